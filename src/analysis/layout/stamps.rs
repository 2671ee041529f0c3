//! Seals on the page as `stamp` regions: each holds the lines printed in its ink,
//! which are then no other region's (a seal's text is not the document's).

use super::Draft;
use crate::geometry::{Affine, bounds};
use crate::result::{Page, RegionKind};

/// A stamp draft per seal (in the level frame `forward` maps to), holding the
/// seal's own lines, and which lines are left free for the other regions.
pub(super) fn stamp_drafts(page: &Page, forward: &Affine) -> (Vec<Draft>, Vec<bool>) {
    let mut free = vec![true; page.lines.len()];
    let mut stamps = Vec::with_capacity(page.seals.len());
    for (k, seal) in page.seals.iter().enumerate() {
        let lines: Vec<usize> = seal
            .line_ids
            .iter()
            .copied()
            .filter(|&i| free.get(i).copied().unwrap_or(false))
            .collect();
        lines.iter().for_each(|&i| free[i] = false);
        let (x0, y0, x1, y1) = bounds(&forward.apply_quad(&seal.quad));
        stamps.push(Draft {
            kind: RegionKind::Stamp,
            bounds: [x0, y0, x1, y1],
            lines,
            confidence: seal.confidence,
            seal: Some(k),
        });
    }
    (stamps, free)
}

#[cfg(test)]
mod tests {
    use super::super::lay_out;
    use crate::geometry::axis_aligned;
    use crate::result::{
        InkColour, LayoutProposal, Line, Page, PageOrientation, RegionKind, Seal, SealShape, StageTimings, TextSource,
    };

    #[test]
    fn a_seals_own_lines_are_its_stamp_region_out_of_the_flow_and_it_follows_them() {
        let line = |t: &str, y: f32| Line::read(t.into(), axis_aligned(100.0, y, 900.0, y + 30.0), 0.99, 0.9);
        let mut page = Page {
            index: 0,
            width: 1000,
            height: 1400,
            orientation: PageOrientation::default(),
            source: TextSource::Ocr,
            // The engine read the seal's tax number first (it sits higher than the text).
            lines: vec![
                line("91120222079642398Y", 100.0),
                line("Body text one", 300.0),
                line("Body text two", 340.0),
            ],
            fields: Vec::new(),
            tables: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            seals: vec![Seal {
                quad: axis_aligned(80.0, 20.0, 920.0, 200.0),
                shape: SealShape::Oval,
                colour: InkColour::Red,
                text: "Company seal".into(),
                confidence: 0.95,
                text_confidence: 0.9,
                line_ids: vec![0],
            }],
            signatures: Vec::new(),
            timings: StageTimings::default(),
        };
        let proposals = [LayoutProposal {
            kind: RegionKind::Text,
            bounds: [90.0, 10.0, 910.0, 380.0],
            score: 0.9,
            structure: None,
        }];
        lay_out(&mut page, &proposals);
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Body text one", "Body text two", "91120222079642398Y"]);
        let stamp = page
            .regions
            .iter()
            .find(|r| r.kind == RegionKind::Stamp)
            .expect("a stamp region");
        assert_eq!((stamp.order, &stamp.line_ids), (None, &vec![2]));
        assert_eq!(page.seals[0].line_ids, [2]);
        let text = page
            .regions
            .iter()
            .find(|r| r.kind == RegionKind::Text)
            .expect("the text");
        assert_eq!(text.line_ids, [0, 1]);
    }
}
