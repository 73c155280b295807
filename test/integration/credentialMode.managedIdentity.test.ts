import { describeCredentialMode } from '../support/credentialModeSuite.js';

describeCredentialMode('managedIdentity');
