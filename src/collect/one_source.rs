//! One source's checkpoint read out of a [`FileStore`](super::FileStore)'s file and
//! journal, the other sources' skipped as they are read, never built: a collector's load
//! costs memory for its own keys, not for every source sharing the file.

use std::fmt;

use serde::{
    Deserialize, Deserializer,
    de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor},
};

use super::Checkpoint;

/// Reads a store file keeping only `source`'s checkpoint (its leases are skipped too):
/// the file's format and that checkpoint, if it is there.
pub(super) struct OneSource<'a>(pub(super) &'a str);

impl<'de> DeserializeSeed<'de> for OneSource<'_> {
    type Value = (u32, Option<Checkpoint>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneSource<'_> {
    type Value = (u32, Option<Checkpoint>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a checkpoint file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut format, mut checkpoints) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => format = Some(map.next_value::<u32>()?),
                "checkpoints" => checkpoints = Some(map.next_value_seed(Only(self.0))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let format = format.ok_or_else(|| A::Error::missing_field("format"))?;
        let found = checkpoints.ok_or_else(|| A::Error::missing_field("checkpoints"))?;
        Ok((format, found))
    }
}

/// The `checkpoints` object: the checkpoint of one source, if it is there.
struct Only<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Only<'_> {
    type Value = Option<Checkpoint>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Only<'_> {
    type Value = Option<Checkpoint>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("checkpoints by source")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(source) = map.next_key::<String>()? {
            if source == self.0 {
                found = Some(map.next_value::<Checkpoint>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The source a journal line is about, read without its keys.
#[derive(Deserialize)]
pub(super) struct LineSource {
    checkpoint: SourceOnly,
}

#[derive(Deserialize)]
struct SourceOnly {
    source: String,
}

impl LineSource {
    pub(super) fn source(&self) -> &str {
        &self.checkpoint.source
    }
}
