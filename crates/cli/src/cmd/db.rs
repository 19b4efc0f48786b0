//! `keeper db info`: where the database is, its schema version and row counts.

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Print the database path, schema version and row counts.
    Info {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: DbCommand, db: Option<PathBuf>) -> anyhow::Result<()> {
    match cmd {
        DbCommand::Info { json } => {
            let path = keeper_api::db::resolve_db_path(db.as_deref())?;
            let info = keeper_api::db::db_info(&path)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                println!("path            {}", info.path);
                println!("schema version  {}", info.schema_version);
                println!();
                println!("{:<28} {:>10}", "table", "rows");
                for c in &info.counts {
                    println!("{:<28} {:>10}", c.table, c.rows);
                }
                if !info.raw_by_type.is_empty() {
                    println!();
                    println!("{:<28} {:>10}", "raw object type", "rows");
                    for c in &info.raw_by_type {
                        println!("{:<28} {:>10}", c.table, c.rows);
                    }
                }
            }
            Ok(())
        }
    }
}
