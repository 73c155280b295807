import { describeCredentialMode } from '../support/credentialModeSuite.js';

describeCredentialMode('vaultCertificatePkcs12');
