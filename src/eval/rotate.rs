//! Turned copies of the samples (`eval --rotate`), written to a scratch folder
//! that lasts as long as the run.

use std::path::{Path, PathBuf};

use crate::geometry::Affine;

use super::{EvalError, Sample, file_name};

/// Replaces the sample's image by a copy turned by `degrees` (and, with
/// `and_back`, turned back again: the resampling loss alone) written into `dir`;
/// returns the maps that take the copy's coordinates back to the original's, in
/// order.
pub(super) fn rotate_sample(
    sample: &mut Sample,
    degrees: f32,
    and_back: bool,
    dir: &Path,
) -> Result<Vec<Affine>, EvalError> {
    let pages = crate::document::open(&sample.image)?;
    let page = pages.first().ok_or_else(|| EvalError::NoPage {
        path: sample.image.clone(),
    })?;
    let (mut turned, original_from_turned) = crate::imaging::turn(&page.image, degrees);
    let mut maps = vec![original_from_turned];
    if and_back {
        let (again, turned_from_again) = crate::imaging::turn(&turned, -degrees);
        turned = again;
        maps.insert(0, turned_from_again);
    }
    let target = dir.join(format!("{}.png", file_name(&sample.image)));
    turned.save(&target).map_err(|source| EvalError::WriteTurned {
        path: target.clone(),
        source,
    })?;
    sample.image = target;
    Ok(maps)
}

/// A folder removed when dropped.
pub(super) struct ScratchDir(PathBuf);

impl ScratchDir {
    pub(super) fn new() -> Result<Self, EvalError> {
        let dir = std::env::temp_dir().join(format!("ocrdesk-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|source| EvalError::CreateScratch {
            dir: dir.clone(),
            source,
        })?;
        Ok(Self(dir))
    }

    pub(super) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
