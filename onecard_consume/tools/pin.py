import hashlib
import hmac
import os

# PINs are 4-6 digits: the salt and the iteration count are what make an
# offline guess of the whole space costly; the lockout does the rest online.
_ITERATIONS = 60000


def hash_pin(pin):
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, _ITERATIONS)
    return "pbkdf2$%d$%s$%s" % (_ITERATIONS, salt.hex(), digest.hex())


def check_pin(pin, stored):
    if not stored or not pin:
        return False
    try:
        _algo, iterations, salt, digest = stored.split("$")
        computed = hashlib.pbkdf2_hmac(
            "sha256", str(pin).encode(), bytes.fromhex(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)
