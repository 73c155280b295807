import { describeCredentialMode } from '../support/credentialModeSuite.js';

describeCredentialMode('vaultSecret');
