//! `auditkit checkpoints`: list, show and reset (explicitly) a source's checkpoint.

use std::path::PathBuf;

use auditkit::collect::FileStore;

use super::{
    args::{CheckpointAction, Checkpoints},
    failure::Failure,
    progress::thousands,
};

pub(crate) async fn run(args: Checkpoints) -> Result<(), Failure> {
    if let Some(spec) = super::store::spec(&args.store, args.config.as_deref())? {
        let tenant = if args.config.is_some() { "default" } else { args.tenant.as_str() };
        #[cfg(feature = "postgres")]
        return super::store::checkpoints(&spec, tenant, &args.action).await;
        #[cfg(not(feature = "postgres"))]
        return Err({
            let _ = (spec, tenant);
            super::store::unavailable()
        });
    }
    let files: Vec<PathBuf> = match (&args.checkpoint, &args.config) {
        (Some(file), _) => vec![file.clone()],
        (None, Some(config)) => {
            let mut files: Vec<PathBuf> = super::config::load(config, None, None)?
                .into_iter()
                .map(|job| job.checkpoint)
                .collect();
            files.sort();
            files.dedup();
            files
        }
        (None, None) => vec![PathBuf::from("auditkit-export.jsonl.checkpoint.json")],
    };
    let mut found = false;
    for file in files {
        let store = FileStore::new(&file);
        match &args.action {
            CheckpointAction::Init => {
                return Err(Failure::Usage(
                    "`checkpoints init` creates the table of --store postgres://…; checkpoint \
                     files need no init"
                        .into(),
                ));
            }
            CheckpointAction::List => {
                for checkpoint in store.checkpoints().await? {
                    let output = checkpoint
                        .annotation("output_bytes")
                        .and_then(serde_json::Value::as_u64)
                        .map_or_else(String::new, |bytes| {
                            format!(", output at {} bytes", thousands(bytes))
                        });
                    let hwm = checkpoint
                        .high_water_mark()
                        .map_or_else(|| "no window yet".to_owned(), |hwm| hwm.to_rfc3339());
                    println!(
                        "{}\t{hwm}\t{} keys{output}\t({})",
                        checkpoint.source(),
                        checkpoint.remembered_keys(),
                        file.display()
                    );
                }
            }
            CheckpointAction::Show { source } => {
                if let Some(checkpoint) =
                    store.checkpoints().await?.into_iter().find(|c| c.source() == source)
                {
                    let json = serde_json::to_string_pretty(&checkpoint)
                        .map_err(|error| Failure::Io(error.to_string()))?;
                    println!("{json}");
                    found = true;
                }
            }
            CheckpointAction::Reset { source, yes } => {
                if !yes {
                    return Err(Failure::Usage(format!(
                        "resetting {source} delivers again what it delivered before: add --yes"
                    )));
                }
                if store.remove(source).await?.is_some() {
                    eprintln!("auditkit: {source} reset in {}", file.display());
                    found = true;
                }
            }
        }
    }
    match &args.action {
        CheckpointAction::Show { source } | CheckpointAction::Reset { source, .. } if !found => {
            Err(Failure::Usage(format!(
                "no checkpoint for {source}: see `auditkit checkpoints list`"
            )))
        }
        _ => Ok(()),
    }
}
