//! Page ranges as people write them: `1,3-5`, `7-` (to the end).

use std::fmt;
use std::str::FromStr;

/// Which pages of a document to read; page numbers are 1-based as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PageSelection {
    #[default]
    All,
    /// Inclusive ranges; `None` as the end means "to the last page".
    Ranges(Vec<(usize, Option<usize>)>),
}

/// A page range that cannot be parsed or does not fit the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageSelectionError {
    #[error("`{0}` is not a page range: write pages as 1,3-5 or 7- (pages count from 1)")]
    Syntax(String),
    #[error("page {asked} was asked for, but the document has {count} page(s)")]
    OutOfRange { asked: usize, count: usize },
}

impl FromStr for PageSelection {
    type Err = PageSelectionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || PageSelectionError::Syntax(s.to_owned());
        let number = |t: &str| t.trim().parse::<usize>().ok().filter(|&n| n >= 1);
        let mut ranges = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            let range = match part.split_once('-') {
                None => {
                    let n = number(part).ok_or_else(bad)?;
                    (n, Some(n))
                }
                Some((a, b)) => {
                    let start = number(a).ok_or_else(bad)?;
                    let end = if b.trim().is_empty() {
                        None
                    } else {
                        Some(number(b).ok_or_else(bad)?)
                    };
                    if end.is_some_and(|e| e < start) {
                        return Err(bad());
                    }
                    (start, end)
                }
            };
            ranges.push(range);
        }
        Ok(PageSelection::Ranges(ranges))
    }
}

impl fmt::Display for PageSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageSelection::All => write!(f, "all"),
            PageSelection::Ranges(ranges) => {
                let parts: Vec<String> = ranges
                    .iter()
                    .map(|&(a, b)| match b {
                        Some(b) if b == a => a.to_string(),
                        Some(b) => format!("{a}-{b}"),
                        None => format!("{a}-"),
                    })
                    .collect();
                write!(f, "{}", parts.join(","))
            }
        }
    }
}

impl PageSelection {
    /// The 0-based indices selected in a document of `count` pages, ascending and
    /// without repeats. A page past the end is an error, so a typo is not silently ignored.
    pub fn indices(&self, count: usize) -> Result<Vec<usize>, PageSelectionError> {
        let ranges = match self {
            PageSelection::All => return Ok((0..count).collect()),
            PageSelection::Ranges(r) => r,
        };
        let mut selected = vec![false; count];
        for &(start, end) in ranges {
            let end = end.unwrap_or(count.max(start));
            if end > count {
                return Err(PageSelectionError::OutOfRange { asked: end, count });
            }
            for page in start..=end {
                selected[page - 1] = true;
            }
        }
        Ok((0..count).filter(|&i| selected[i]).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_select_in_page_order() {
        let s: PageSelection = "5, 1,3-4".parse().unwrap();
        assert_eq!(s.indices(6).unwrap(), vec![0, 2, 3, 4]);
        assert_eq!(s.to_string(), "5,1,3-4");
        let open: PageSelection = "4-".parse().unwrap();
        assert_eq!(open.indices(6).unwrap(), vec![3, 4, 5]);
        assert_eq!(PageSelection::All.indices(2).unwrap(), vec![0, 1]);
    }

    #[test]
    fn bad_ranges_are_refused() {
        for bad in ["", "0", "a", "3-1", "1,,2", "-3", "1-2-3"] {
            assert!(bad.parse::<PageSelection>().is_err(), "{bad:?} should not parse");
        }
        let s: PageSelection = "2-9".parse().unwrap();
        assert_eq!(s.indices(3), Err(PageSelectionError::OutOfRange { asked: 9, count: 3 }));
        // An open range starting past the end names that page.
        let s: PageSelection = "5-".parse().unwrap();
        assert_eq!(s.indices(3), Err(PageSelectionError::OutOfRange { asked: 5, count: 3 }));
    }
}
