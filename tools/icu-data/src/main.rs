//! `icu-data OUT_DIR`: bakes the ICU4X data of the desk's five locales (plus the
//! locale-independent data, whole) from the data compiled into ICU4X itself.

extern crate alloc;

use icu_provider_export::baked_exporter::{BakedExporter, Options};
use icu_provider_export::prelude::*;

/// The provider that serves ICU4X's own compiled data, marker by marker.
struct Source;

icu_calendar_data::make_provider!(Source);

mod markers;

/// The desk's languages (model::LANGUAGES).
const LOCALES: [&str; 5] = ["en", "el", "sl", "hr", "bg"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: icu-data OUT_DIR")?;
    let fallbacker = LocaleFallbacker::try_new_unstable(&Source)?;
    let families = LOCALES
        .iter()
        .map(|l| Ok(DataLocaleFamily::without_descendants(l.parse()?)))
        .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    let mut options = Options::default();
    options.overwrite = true;
    let exporter = BakedExporter::new(out.into(), options)?;
    ExportDriver::new(families, DeduplicationStrategy::Maximal.into(), fallbacker)
        .export(&Source, exporter)?;
    Ok(())
}
