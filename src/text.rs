//! Facts about characters that several layers need.

/// Chinese, Japanese and full-width characters: written without spaces between them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x3000..=0x303F | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_and_full_width_characters_are_told_from_latin() {
        for c in ['中', 'ア', 'ひ', '，', 'Ａ'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'é', '1', ' ', 'Я'] {
            assert!(!is_cjk(c), "{c}");
        }
    }
}
