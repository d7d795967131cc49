// Digital Bazaar's verifier stack (from the npm registry) on an Open Badges credential:
// `jsonld-signatures` with the `eddsa-rdfc-2022` Data Integrity suite, checking the proof and
// the issuer binding (`CredentialIssuancePurpose`: the credential's issuer must be the
// controller of the proof's verification method, and list it under `assertionMethod`),
// `@digitalbazaar/vc`'s data-model checks, and `@digitalbazaar/vc-bitstring-status-list`'s
// `checkStatus` on the credential's `BitstringStatusListEntry` (the list credential is itself
// verified, and must have the credential's issuer).
//
//   node vc-verify.mjs CREDENTIAL.json CONTEXTS_DIR [STATUS_LIST.json]
//
// The document loader serves only the contexts bundled in CONTEXTS_DIR (ours, pinned), the DID
// context from the `did-context` package, and did:web documents and status lists fetched from
// the host they name, over plain HTTP for a local test service (127.0.0.1 or localhost only):
// nothing else, and never the internet. With STATUS_LIST.json, that file is served in place of
// the credential's status list (as a man in the middle would). Prints one JSON line
// {"verified": bool, "error": "...", "revoked": bool | null} (`revoked` is null when the
// status could not be checked).

import fs from 'node:fs';
import path from 'node:path';
import jsigs from 'jsonld-signatures';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import didContext from 'did-context';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const [credentialPath, contextsDir, statusListPath] = process.argv.slice(2);

const BUNDLED = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
  'https://w3id.org/security/data-integrity/v2': 'security-data-integrity-v2.json',
  'https://w3id.org/security/multikey/v1': 'security-multikey-v1.json',
};

// The did:web "Read" rule, for a local test service only.
function didDocumentUrl(did) {
  const parts = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const host = parts.shift();
  if(!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) {
    throw new Error(`refusing to fetch ${did}: not a local test service`);
  }
  const rest = parts.length ? parts.join('/') : '.well-known';
  return `http://${host}/${rest}/did.json`;
}

async function documentLoader(url) {
  if(BUNDLED[url]) {
    const text = fs.readFileSync(path.join(contextsDir, BUNDLED[url]), 'utf8');
    return {contextUrl: null, documentUrl: url, document: JSON.parse(text)};
  }
  if(url === didContext.CONTEXT_URL) {
    return {
      contextUrl: null, documentUrl: url,
      document: didContext.contexts.get(didContext.CONTEXT_URL)
    };
  }
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const response = await fetch(didDocumentUrl(did));
    if(!response.ok) {
      throw new Error(`${did}: HTTP ${response.status}`);
    }
    const document = await response.json();
    if(document.id !== did) {
      throw new Error(`${did}: the document is ${document.id}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document};
    }
    const method = (document.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`${url} is not in its DID document`);
    }
    return {
      contextUrl: null, documentUrl: url,
      document: {'@context': document['@context'], ...method}
    };
  }
  if(/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/issuers\/[^/]+\/status\//.test(url)) {
    if(statusListPath) {
      const text = fs.readFileSync(statusListPath, 'utf8');
      return {contextUrl: null, documentUrl: url, document: JSON.parse(text)};
    }
    const response = await fetch(url.replace(/^https:/, 'http:'));
    if(!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    return {contextUrl: null, documentUrl: url, document: await response.json()};
  }
  throw new Error(`document loader: ${url} is not allowed`);
}

function messages(error) {
  const errors = (error && error.errors) || [error];
  return errors.map(e => e && (e.message + (e.cause ? ` (${messages(e.cause)})` : '')))
    .join('; ');
}

let verified = false;
let revoked = null;
let error;
try {
  const credential = JSON.parse(fs.readFileSync(credentialPath, 'utf8'));
  vc._checkCredential({credential, mode: 'verify'});
  const suite = new DataIntegrityProof({cryptosuite});
  const result = await jsigs.verify(credential, {
    suite,
    purpose: new vc.CredentialIssuancePurpose(),
    documentLoader,
  });
  verified = result.verified;
  if(!verified) {
    error = messages(result.error);
  } else if(credential.credentialStatus) {
    const status = await checkStatus({credential, documentLoader, suite});
    if(status.verified) {
      revoked = status.results.some(r => r.status === true);
    } else {
      verified = false;
      error = messages(status.error);
    }
  }
} catch(e) {
  verified = false;
  error = messages(e);
}
console.log(JSON.stringify({verified, error, revoked}));
