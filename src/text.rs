//! Facts about characters, and their escaping, that several layers need.

/// Chinese, Japanese and full-width characters: written without spaces between them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x3000..=0x303F | 0x20000..=0x2FA1F)
}

/// Escapes the five characters HTML gives meaning to.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The lines of one paragraph as running text: joined by a space, except between
/// Chinese or Japanese characters (written without spaces) and where a Latin word
/// was hyphenated at the line's end ("exam-" + "ple" is "example").
pub fn join_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines.into_iter().map(str::trim).filter(|l| !l.is_empty()) {
        let (Some(last), Some(first)) = (out.chars().last(), line.chars().next()) else {
            out.push_str(line);
            continue;
        };
        let before_hyphen = out.chars().rev().nth(1);
        if last == '-' && before_hyphen.is_some_and(char::is_alphabetic) && first.is_lowercase() {
            out.pop();
        } else if !(is_cjk(last) || is_cjk(first)) {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_join_with_spaces_but_not_between_cjk_nor_across_a_hyphenated_word() {
        assert_eq!(
            join_lines(["The exam-", "ple shows", " how. "]),
            "The example shows how."
        );
        assert_eq!(join_lines(["中文段落的", "第二行。", "Next"]), "中文段落的第二行。Next");
        assert_eq!(join_lines(["well-", "Known", "pre-", "2000"]), "well- Known pre- 2000");
    }

    #[test]
    fn cjk_and_full_width_characters_are_told_from_latin() {
        for c in ['中', 'ア', 'ひ', '，', 'Ａ'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'é', '1', ' ', 'Я'] {
            assert!(!is_cjk(c), "{c}");
        }
    }

    #[test]
    fn html_escaping_covers_the_five_special_characters() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }
}
