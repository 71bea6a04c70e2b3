//! Ed25519 keys for manifests: a signer from a private key (PEM PKCS#8, as
//! `openssl genpkey -algorithm ed25519` writes it, or the 32-byte seed in base64), and
//! the public key an auditor needs alone (PEM SubjectPublicKeyInfo, or 32 bytes in base64).

use std::fmt;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::base64;

/// DER of PKCS#8 for Ed25519 (RFC 8410 §7) before the 32-byte seed.
const PRIVATE_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// DER of SubjectPublicKeyInfo for Ed25519 (RFC 8410 §4) before the 32-byte key.
const PUBLIC_PREFIX: [u8; 12] =
    [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// A key that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0}: give an Ed25519 key as PEM (openssl genpkey -algorithm ed25519; the public key: \
     openssl pkey -pubout) or as its 32 bytes in base64"
)]
pub struct KeyError(String);

/// The private key that signs manifests. `Debug` shows the public key only.
///
/// ```
/// use auditkit::archive::Signer;
///
/// let signer = Signer::from_text("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")?;
/// let signature = signer.sign(b"manifest");
/// assert!(signer.public_key().verify(b"manifest", &signature));
/// assert!(!signer.public_key().verify(b"manifest!", &signature));
/// # Ok::<(), auditkit::archive::KeyError>(())
/// ```
#[derive(Clone)]
pub struct Signer(SigningKey);

/// A public key that checks manifests' signatures.
///
/// ```
/// use auditkit::archive::{PublicKey, Signer};
///
/// let signer = Signer::from_text("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")?;
/// let pem = signer.public_key().to_pem();
/// assert_eq!(PublicKey::from_text(&pem)?, signer.public_key());
/// # Ok::<(), auditkit::archive::KeyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

/// A PEM block's bytes, or the text as base64.
fn decode(text: &str) -> Result<Vec<u8>, KeyError> {
    let text = text.trim();
    let body: String = if text.starts_with("-----BEGIN") {
        text.lines().filter(|line| !line.starts_with("-----")).map(str::trim).collect()
    } else {
        text.to_owned()
    };
    base64::decode(&body).ok_or_else(|| KeyError("the key is neither PEM nor base64".into()))
}

impl Signer {
    /// A signer from a PEM PKCS#8 private key or a base64 32-byte seed.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the text is neither, or another kind of key.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let bytes = decode(text)?;
        let seed = match bytes.len() {
            32 => &bytes[..],
            48 if bytes.starts_with(&PRIVATE_PREFIX) => &bytes[16..],
            _ => return Err(KeyError("not an Ed25519 private key".into())),
        };
        let seed: [u8; 32] = seed.try_into().map_err(|_| KeyError("a short key".into()))?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The 64-byte signature of `bytes`.
    pub fn sign(&self, bytes: &[u8]) -> [u8; 64] {
        self.0.sign(bytes).to_bytes()
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").field("public_key", &self.public_key()).finish_non_exhaustive()
    }
}

impl PartialEq for Signer {
    fn eq(&self, other: &Self) -> bool {
        self.public_key() == other.public_key()
    }
}

impl PublicKey {
    /// A public key from PEM SubjectPublicKeyInfo or its 32 bytes in base64.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the text is neither, or not a valid Ed25519 point.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let bytes = decode(text)?;
        let key = match bytes.len() {
            32 => &bytes[..],
            44 if bytes.starts_with(&PUBLIC_PREFIX) => &bytes[12..],
            48 if bytes.starts_with(&PRIVATE_PREFIX) => {
                return Err(KeyError("this is a private key: give its public key".into()));
            }
            _ => return Err(KeyError("not an Ed25519 public key".into())),
        };
        let key: [u8; 32] = key.try_into().map_err(|_| KeyError("a short key".into()))?;
        VerifyingKey::from_bytes(&key)
            .map(Self)
            .map_err(|_| KeyError("not a valid Ed25519 public key".into()))
    }

    /// As PEM (SubjectPublicKeyInfo), what `openssl pkey -pubout` writes.
    pub fn to_pem(&self) -> String {
        let der = [&PUBLIC_PREFIX[..], self.0.as_bytes()].concat();
        format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", base64::encode(&der))
    }

    /// Whether `signature` is this key's signature of `bytes` (strict: no malleable forms).
    pub fn verify(&self, bytes: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = <&[u8; 64]>::try_from(signature) else { return false };
        self.0.verify_strict(bytes, &Signature::from_bytes(signature)).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", base64::encode(self.0.as_bytes()))
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64::encode(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1, test 1: its key pair and its signature of the empty message.
    #[test]
    fn the_rfc_8032_vector_signs_and_verifies_and_pem_round_trips() {
        let seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
        let signer = Signer::from_text(seed).unwrap();
        assert_eq!(signer.public_key().to_string(), "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        let signature = signer.sign(b"");
        assert_eq!(signature[..4], [0xe5, 0x56, 0x43, 0x00]);
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n\
                   -----END PRIVATE KEY-----\n";
        assert_eq!(Signer::from_text(pem).unwrap(), signer);
        let public = PublicKey::from_text(&signer.public_key().to_pem()).unwrap();
        assert!(public.verify(b"", &signature));
        assert!(!public.verify(b"", &signature[..63]));
        assert!(PublicKey::from_text(pem).is_err());
        assert!(Signer::from_text("not a key").is_err());
        assert!(!format!("{signer:?}").contains(seed));
    }
}
