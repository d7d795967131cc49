"""Check eddsa-rdfc-2022 credentials with openbadgeslib (pyld underneath), offline.

    ob_ldp.py canon DOC.json             prints the RDFC-1.0 canonical N-Quads
    ob_ldp.py verify CRED.json PUBHEX    exit 0 if the Data Integrity proof verifies against
                                         the Ed25519 public key (hex); prints the OB 3.0
                                         verifier's verdict as the last line
    ob_ldp.py status CRED.json LIST.json prints `active` or `revoked`: openbadgeslib's status
                                         check of the credential's credentialStatus, with
                                         LIST.json served as its status list (exit 1 and the
                                         reason if the status cannot be determined)
"""
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from openbadgeslib.ob3.verifier import OB3VerificationError
from openbadgeslib.ob3 import ldp, status
from openbadgeslib.ob3.credential import OpenBadgeCredential


def main(argv):
    command, path = argv[1], argv[2]
    document = json.load(open(path, encoding="utf-8"))
    if command == "canon":
        sys.stdout.write(ldp._canonize(document, ldp.document_loader(None)))
        return 0
    if command == "verify":
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(argv[3]))
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        try:
            ldp.verify_data_integrity_proof(document, pem)
        except Exception as exc:  # any failure is a verdict, printed for the test
            print(f"proof: {type(exc).__name__}: {exc}")
            return 1
        try:
            ldp.OB3LdpVerifier(pubkey_pem=pem).verify(document)
            print("ob3: valid")
        except Exception as exc:
            print(f"ob3: {type(exc).__name__}: {exc}")
        return 0
    if command == "status":
        listed = open(argv[3], "rb").read()
        credential = OpenBadgeCredential.from_vc_document(document)
        try:
            status.check_credential_status(credential, download=lambda url: listed)
        except OB3VerificationError as exc:
            if "is set at index" in str(exc):
                print("revoked")
                return 0
            print(f"status: {exc}")
            return 1
        print("active")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
