//! Chinese and Japanese text needs a CJK font, which egui does not ship: one is
//! found among the system's fonts and added as a fallback.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// CJK fonts in order of preference, by file name.
const CJK_FONT_FILES: [&str; 10] = [
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "NotoSerifCJK-Regular.ttc",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "SourceHanSansSC-Regular.otf",
];

/// The usual font folders of Linux desktops, the user's own first.
pub fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from) {
        dirs.push(data.join("fonts"));
    }
    dirs.push(PathBuf::from("/usr/local/share/fonts"));
    dirs.push(PathBuf::from("/usr/share/fonts"));
    dirs
}

/// The most preferred CJK font file found under `dirs`.
pub fn find_cjk_font(dirs: &[PathBuf]) -> Option<PathBuf> {
    let mut found: Vec<(usize, PathBuf)> = Vec::new();
    for dir in dirs {
        walk(dir, 0, &mut |path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if let Some(rank) = CJK_FONT_FILES.iter().position(|f| f.eq_ignore_ascii_case(name)) {
                found.push((rank, path.to_owned()));
            }
        });
    }
    found.into_iter().min_by_key(|(rank, _)| *rank).map(|(_, path)| path)
}

fn walk(dir: &Path, depth: usize, visit: &mut dyn FnMut(&Path)) {
    // Font trees are shallow; the bound guards against symlink loops.
    if depth > 6 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() || (t.is_symlink() && path.is_dir()) => walk(&path, depth + 1, visit),
            Ok(_) => visit(&path),
            Err(_) => {}
        }
    }
}

/// Adds the system's CJK font as a fallback of egui's fonts. Returns the font
/// used, or a message saying that none was found and what to install.
pub fn install_cjk_font(ctx: &egui::Context) -> Result<PathBuf, String> {
    let path = find_cjk_font(&font_dirs()).ok_or_else(|| {
        "No Chinese/Japanese font found: such text shows as boxes. Install one, e.g. `apt install fonts-noto-cjk` or `fonts-wqy-microhei`.".to_owned()
    })?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read the CJK font {}: {e}", path.display()))?;
    let mut fonts = egui::FontDefinitions::default();
    fonts
        .font_data
        .insert("cjk".to_owned(), Arc::new(egui::FontData::from_owned(bytes)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push("cjk".to_owned());
    }
    ctx.set_fonts(fonts);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_font_wins_wherever_it_lies() {
        let dir = tempfile::tempdir().expect("temp dir");
        let deep = dir.path().join("truetype/wqy");
        std::fs::create_dir_all(&deep).expect("folders");
        std::fs::write(deep.join("wqy-microhei.ttc"), b"x").expect("font");
        std::fs::write(dir.path().join("DroidSansFallback.ttf"), b"x").expect("font");
        assert_eq!(
            find_cjk_font(&[dir.path().to_owned()]),
            Some(deep.join("wqy-microhei.ttc"))
        );
        let empty = tempfile::tempdir().expect("temp dir");
        assert_eq!(find_cjk_font(&[empty.path().to_owned()]), None);
    }
}
