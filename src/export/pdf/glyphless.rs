//! A glyph-less TrueType font, built in code, for the invisible text layer of a
//! searchable PDF. It does what Tesseract's `pdf.ttf` ("GlyphLessFont") does: the
//! PDF shows the recognised text in rendering mode `3 Tr` with an `Identity-H`
//! Type0 font whose CIDToGIDMap sends every CID to [`GLYPH_ID`], so one font of two
//! blank glyphs serves every script; the text comes back through the ToUnicode CMap.
//!
//! Both glyphs are empty (no contours), every advance is half an em, and the
//! vertical metrics span the em above the baseline, so a word drawn at font size
//! `h` with its baseline on the bottom edge of its box is selected as that box.

/// Font units per em; 1000 so that the PDF's glyph-space widths (`/W`, `/DW`, in
/// thousandths of text space) are the font's own numbers.
pub const UNITS_PER_EM: u16 = 1000;
/// Advance width of every glyph in font units: half an em, Tesseract's
/// `kCharWidth = 2` (its `pdf.ttf` has 1024 of 2048); near the average Latin width,
/// so `Tz` stays near 100 when the font size is the box height.
pub const ADVANCE: u16 = 500;
/// The advance in PDF glyph space (thousandths of an em): the CIDFont's `/DW`.
pub const PDF_WIDTH: u32 = ADVANCE as u32 * 1000 / UNITS_PER_EM as u32;
/// Top of the glyph box above the baseline: the whole em, as Tesseract's `/Ascent 1000`.
pub const ASCENT: i16 = 1000;
/// Bottom of the glyph box: one unit under the baseline, because a font descriptor's
/// `/Descent` must be negative (Tesseract writes `/Descent -1` for the same reason).
pub const DESCENT: i16 = -1;
/// The glyph every CID maps to; not 0, because `.notdef` is refused by PDF/A-2
/// (6.2.11.8, in every rendering mode), and Acrobat balks at an all-GID-0 font.
pub const GLYPH_ID: u16 = 1;
/// Glyph count: `.notdef` and the blank at [`GLYPH_ID`].
pub const NUM_GLYPHS: u16 = 2;
/// The PostScript name (name ID 6); use it as `/BaseFont` and `/FontName`.
pub const POSTSCRIPT_NAME: &str = "GlyphLessFont";

/// `head.created`/`modified`: 2024-01-01T00:00:00Z in seconds since 1904-01-01,
/// fixed so that the font, and every PDF that embeds it, is reproducible.
const TIMESTAMP: i64 = 3_786_912_000;
/// The whole-font checksum plus `head.checkSumAdjustment` must equal this (OpenType spec).
const CHECKSUM_MAGIC: u32 = 0xB1B0_AFBA;
/// Version 1.0 in 16.16 fixed point (sfnt, head, hhea and maxp versions).
const VERSION_1_0: u32 = 0x0001_0000;
/// Windows platform ID in cmap and name records.
const PLATFORM_WINDOWS: u16 = 3;
/// U+0020 SPACE: the one code the format-4 subtable maps, and OS/2's break character.
const SPACE: u16 = 0x20;

/// The font file's bytes: a table directory with checksums, each table padded to
/// four bytes, and `head.checkSumAdjustment` set over the whole file.
pub fn glyphless_font() -> Vec<u8> {
    // Sorted by tag, byte-wise, as the table directory must be.
    let tables: [(&[u8; 4], Vec<u8>); 10] = [
        (b"OS/2", os2()),
        (b"cmap", cmap()),
        (b"glyf", vec![0]), // one zero byte: an empty glyf is rejected by OTS and Windows
        (b"head", head()),
        (b"hhea", hhea()),
        (b"hmtx", hmtx()),
        (b"loca", vec![0; 2 * (usize::from(NUM_GLYPHS) + 1)]), // short offsets, all 0: every glyph empty
        (b"maxp", maxp()),
        (b"name", name()),
        (b"post", post()),
    ];
    let count = tables.len() as u16; // ten tables
    let mut font = Vec::new();
    font.extend(VERSION_1_0.to_be_bytes()); // sfntVersion: TrueType outlines
    font.extend(count.to_be_bytes());
    for field in search_fields(count, 16) {
        font.extend(field.to_be_bytes()); // searchRange, entrySelector, rangeShift over 16-byte records
    }
    let mut offset = 12 + 16 * tables.len(); // 12-byte header, 16 bytes per record
    let mut head_at = 0;
    for (tag, data) in &tables {
        if *tag == b"head" {
            head_at = offset;
        }
        font.extend(*tag);
        font.extend(checksum(data).to_be_bytes());
        font.extend((offset as u32).to_be_bytes());
        font.extend((data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        font.extend(data);
        font.resize(font.len().next_multiple_of(4), 0);
    }
    let adjustment = CHECKSUM_MAGIC.wrapping_sub(checksum(&font));
    // checkSumAdjustment is the third 32-bit field of head.
    if let Some(slot) = font.get_mut(head_at + 8..head_at + 12) {
        slot.copy_from_slice(&adjustment.to_be_bytes());
    }
    font
}

/// The sum of `data` as big-endian 32-bit words, the last one padded with zeros.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0, |sum, chunk| {
        let mut word = [0; 4];
        word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The binary-search helpers of a sorted array of `count` entries of `unit` bytes:
/// searchRange, entrySelector and rangeShift (table directory, cmap format 4).
fn search_fields(count: u16, unit: u16) -> [u16; 3] {
    let selector = count.checked_ilog2().unwrap_or(0) as u16; // log2 fits a u16
    let range = (1 << selector) * unit;
    [range, selector, count * unit - range]
}

/// `head`: metrics units and loca format; the checksum adjustment is filled in later.
fn head() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(VERSION_1_0.to_be_bytes());
    t.extend(VERSION_1_0.to_be_bytes()); // fontRevision 1.0
    t.extend(0_u32.to_be_bytes()); // checkSumAdjustment, 0 while checksums are taken
    t.extend(0x5F0F_3CF5_u32.to_be_bytes()); // magicNumber, fixed by the spec
    t.extend(0b1011_u16.to_be_bytes()); // flags: baseline y=0, left sidebearing x=0, integer ppem
    t.extend(UNITS_PER_EM.to_be_bytes());
    t.extend(TIMESTAMP.to_be_bytes()); // created
    t.extend(TIMESTAMP.to_be_bytes()); // modified
    t.extend([0; 8]); // xMin, yMin, xMax, yMax: no glyph has an outline
    t.extend(0_u16.to_be_bytes()); // macStyle: regular
    t.extend(8_u16.to_be_bytes()); // lowestRecPPEM: any small size, nothing is ever drawn
    t.extend(2_i16.to_be_bytes()); // fontDirectionHint: 2, the value the spec asks for
    t.extend(0_i16.to_be_bytes()); // indexToLocFormat: short (16-bit) loca offsets
    t.extend(0_i16.to_be_bytes()); // glyphDataFormat: the only format
    t
}

/// `hhea`: horizontal layout metrics.
fn hhea() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(VERSION_1_0.to_be_bytes());
    t.extend(ASCENT.to_be_bytes());
    t.extend(DESCENT.to_be_bytes());
    t.extend(0_i16.to_be_bytes()); // lineGap: none
    t.extend(ADVANCE.to_be_bytes()); // advanceWidthMax
    t.extend([0; 6]); // minLeftSideBearing, minRightSideBearing, xMaxExtent: no outlines
    t.extend(1_i16.to_be_bytes()); // caretSlopeRise 1 over run 0: an upright caret
    t.extend([0; 4]); // caretSlopeRun, caretOffset
    t.extend([0; 8]); // four reserved fields
    t.extend(0_i16.to_be_bytes()); // metricDataFormat: the only format
    t.extend(NUM_GLYPHS.to_be_bytes()); // numberOfHMetrics: a full record per glyph
    t
}

/// `hmtx`: every glyph advances by [`ADVANCE`], left side bearing 0.
fn hmtx() -> Vec<u8> {
    let metric = [ADVANCE.to_be_bytes(), 0_i16.to_be_bytes()].concat();
    metric.repeat(usize::from(NUM_GLYPHS))
}

/// `maxp` version 1.0, required with TrueType outlines; everything but the glyph
/// count is zero, there being no points, contours or instructions.
fn maxp() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(VERSION_1_0.to_be_bytes());
    t.extend(NUM_GLYPHS.to_be_bytes());
    t.extend([0; 8]); // maxPoints, maxContours, maxCompositePoints, maxCompositeContours
    t.extend(1_u16.to_be_bytes()); // maxZones: 1, the twilight zone is unused
    t.extend([0; 16]); // the eight remaining limits: storage, functions, stack, components...
    t
}

/// `cmap`: (3,1) format 4 mapping U+0020 to the blank for old readers, and (3,10)
/// format 13 (many-to-one) mapping all of U+0000..U+10FFFF to it in one group.
/// A CIDFontType2 never consults it (the CIDToGIDMap does); it is for validators.
fn cmap() -> Vec<u8> {
    let segments: [(u16, u16); 2] = [(SPACE, GLYPH_ID), (0xFFFF, 0)]; // (code, glyph); 0xFFFF ends the table
    let mut format4 = Vec::new();
    format4.extend(4_u16.to_be_bytes()); // format
    format4.extend((16 + 8 * segments.len() as u16).to_be_bytes()); // length: 16 fixed + 4 arrays of u16
    format4.extend(0_u16.to_be_bytes()); // language: independent
    format4.extend((2 * segments.len() as u16).to_be_bytes()); // segCountX2
    for field in search_fields(segments.len() as u16, 2) {
        format4.extend(field.to_be_bytes());
    }
    let codes: Vec<u8> = segments.iter().flat_map(|&(code, _)| code.to_be_bytes()).collect();
    format4.extend(&codes); // endCode
    format4.extend(0_u16.to_be_bytes()); // reservedPad
    format4.extend(&codes); // startCode: each segment is a single code
    for (code, glyph) in segments {
        format4.extend(glyph.wrapping_sub(code).to_be_bytes()); // idDelta: glyph = code + idDelta
    }
    format4.extend(vec![0; 2 * segments.len()]); // idRangeOffset: 0, idDelta alone maps

    let mut format13 = Vec::new();
    format13.extend(13_u16.to_be_bytes()); // format
    format13.extend(0_u16.to_be_bytes()); // reserved
    format13.extend(28_u32.to_be_bytes()); // length: 16-byte header + one 12-byte group
    format13.extend(0_u32.to_be_bytes()); // language: independent
    format13.extend(1_u32.to_be_bytes()); // numGroups
    format13.extend(0_u32.to_be_bytes()); // startCharCode
    format13.extend(0x10_FFFF_u32.to_be_bytes()); // endCharCode: the last Unicode scalar
    format13.extend(u32::from(GLYPH_ID).to_be_bytes());

    let first = 4 + 8 * 2_u32; // 4-byte header, two 8-byte encoding records
    let mut t = Vec::new();
    t.extend(0_u16.to_be_bytes()); // version
    t.extend(2_u16.to_be_bytes()); // numTables
    for (encoding, offset) in [(1_u16, first), (10, first + format4.len() as u32)] {
        t.extend(PLATFORM_WINDOWS.to_be_bytes());
        t.extend(encoding.to_be_bytes()); // 1: Unicode BMP, 10: Unicode full repertoire
        t.extend(offset.to_be_bytes());
    }
    t.extend(format4);
    t.extend(format13);
    t
}

/// `name` format 0: family, style, unique ID, full name, version and PostScript
/// name as Windows Unicode (UTF-16BE), US English.
fn name() -> Vec<u8> {
    let names = [
        (1_u16, POSTSCRIPT_NAME), // family
        (2, "Regular"),           // subfamily
        (3, "ocrdesk: GlyphLessFont 1.0"),
        (4, POSTSCRIPT_NAME), // full name
        (5, "Version 1.0"),
        (6, POSTSCRIPT_NAME),
    ];
    let mut strings = Vec::new();
    let mut t = Vec::new();
    t.extend(0_u16.to_be_bytes()); // format
    t.extend((names.len() as u16).to_be_bytes());
    t.extend((6 + 12 * names.len() as u16).to_be_bytes()); // storage offset: 6-byte header, 12 per record
    for (id, text) in names {
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        t.extend(PLATFORM_WINDOWS.to_be_bytes());
        t.extend(1_u16.to_be_bytes()); // encoding: Unicode BMP
        t.extend(0x0409_u16.to_be_bytes()); // language: English (United States)
        t.extend(id.to_be_bytes());
        t.extend((utf16.len() as u16).to_be_bytes()); // a few dozen bytes
        t.extend((strings.len() as u16).to_be_bytes());
        strings.extend(utf16);
    }
    t.extend(strings);
    t
}

/// `OS/2` version 4 (96 bytes): Windows metrics, matching `hhea`.
fn os2() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(4_u16.to_be_bytes()); // version
    t.extend(ADVANCE.to_be_bytes()); // xAvgCharWidth
    t.extend(400_u16.to_be_bytes()); // usWeightClass: normal
    t.extend(5_u16.to_be_bytes()); // usWidthClass: medium
    t.extend(0_u16.to_be_bytes()); // fsType: installable embedding, no restriction
    t.extend([0; 20]); // sub/superscript sizes and offsets, strikeout: nothing is drawn
    t.extend(0_i16.to_be_bytes()); // sFamilyClass: no classification
    t.extend([0; 10]); // PANOSE: any
    t.extend([0; 16]); // ulUnicodeRange1-4: no script is claimed
    t.extend(*b"NONE"); // achVendID: no registered vendor
    t.extend(0x0040_u16.to_be_bytes()); // fsSelection: REGULAR
    t.extend(0_u16.to_be_bytes()); // usFirstCharIndex: cmap starts at U+0000
    t.extend(0xFFFF_u16.to_be_bytes()); // usLastCharIndex: 0xFFFF as cmap goes past the BMP
    t.extend(ASCENT.to_be_bytes()); // sTypoAscender
    t.extend(DESCENT.to_be_bytes()); // sTypoDescender
    t.extend(0_i16.to_be_bytes()); // sTypoLineGap
    t.extend(ASCENT.unsigned_abs().to_be_bytes()); // usWinAscent
    t.extend(DESCENT.unsigned_abs().to_be_bytes()); // usWinDescent, positive downwards
    t.extend([0; 8]); // ulCodePageRange1-2: none claimed
    t.extend(0_i16.to_be_bytes()); // sxHeight: no lowercase outline to measure
    t.extend(ASCENT.to_be_bytes()); // sCapHeight: the full box, as the descriptor's /CapHeight
    t.extend(0_u16.to_be_bytes()); // usDefaultChar: .notdef
    t.extend(SPACE.to_be_bytes()); // usBreakChar
    t.extend(0_u16.to_be_bytes()); // usMaxContext: no GSUB/GPOS
    t
}

/// `post` version 3.0: no glyph names, fixed pitch.
fn post() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(0x0003_0000_u32.to_be_bytes()); // version 3.0: no glyph name data
    t.extend(0_u32.to_be_bytes()); // italicAngle: upright
    t.extend([0; 4]); // underlinePosition, underlineThickness: nothing is drawn
    t.extend(1_u32.to_be_bytes()); // isFixedPitch: every advance is ADVANCE
    t.extend([0; 16]); // min/max memory for Type 42 and Type 1: unknown
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The big-endian number of `n` bytes at `at`.
    fn be(b: &[u8], at: usize, n: usize) -> usize {
        b[at..at + n].iter().fold(0, |v, &x| v << 8 | usize::from(x))
    }

    /// The table directory: (tag, checksum, offset, length) per record.
    fn directory(font: &[u8]) -> Vec<(&[u8], usize, usize, usize)> {
        let field = |r: usize, i: usize| be(font, r + 4 * i, 4);
        let entry = |r| (&font[r..r + 4], field(r, 1), field(r, 2), field(r, 3));
        (0..be(font, 4, 2)).map(|i| entry(12 + 16 * i)).collect()
    }

    fn table<'a>(font: &'a [u8], tag: &[u8]) -> &'a [u8] {
        let (_, _, at, len) = directory(font).into_iter().find(|e| e.0 == tag).expect("table");
        &font[at..at + len]
    }

    #[test]
    fn directory_is_sorted_aligned_and_checksummed() {
        let font = glyphless_font();
        let header: Vec<usize> = (0..6).map(|i| be(&font, 2 * i, 2)).collect();
        assert_eq!(header, [1, 0, 10, 128, 3, 32], "TrueType, ten tables");
        let dir = directory(&font);
        let tags: Vec<&[u8]> = dir.iter().map(|e| e.0).collect();
        assert_eq!(tags.concat(), b"OS/2cmapglyfheadhheahmtxlocamaxpnamepost");
        let mut end = 12 + 16 * dir.len();
        for (tag, sum, at, len) in dir {
            assert!(at % 4 == 0 && at >= end && at + len <= font.len());
            end = at + len;
            let mut data = font[at..end].to_vec();
            if tag == b"head" {
                data[8..12].fill(0); // summed with checkSumAdjustment zero
            }
            assert_eq!(checksum(&data) as usize, sum, "{tag:?}");
        }
        assert_eq!(font.len() % 4, 0);
        assert_eq!(checksum(&font), CHECKSUM_MAGIC, "checkSumAdjustment");
        assert_eq!(font, glyphless_font(), "reproducible");
    }

    #[test]
    fn metrics_and_glyphs() {
        let font = glyphless_font();
        let head = table(&font, b"head");
        assert_eq!((head.len(), be(head, 12, 4), be(head, 18, 2)), (54, 0x5F0F_3CF5, 1000));
        assert_eq!(be(head, 50, 2), 0, "short loca");
        let glyphs = usize::from(NUM_GLYPHS);
        assert_eq!(be(table(&font, b"maxp"), 4, 2), glyphs);
        let hhea = table(&font, b"hhea");
        assert_eq!((hhea.len(), be(hhea, 34, 2)), (36, glyphs), "a metric per glyph");
        assert_eq!(hhea[4..8], [ASCENT.to_be_bytes(), DESCENT.to_be_bytes()].concat());
        let hmtx = table(&font, b"hmtx");
        assert_eq!((hmtx.len(), be(hmtx, 4 * usize::from(GLYPH_ID), 2)), (4 * glyphs, 500));
        assert_eq!(PDF_WIDTH, 500);
        let loca = table(&font, b"loca");
        assert_eq!(loca, vec![0; 2 * (glyphs + 1)], "every glyph empty");
        assert!(!table(&font, b"glyf").is_empty());
        let os2 = table(&font, b"OS/2");
        assert_eq!((os2.len(), be(os2, 0, 2)), (96, 4));
        assert_eq!(be(table(&font, b"post"), 12, 4), 1, "fixed pitch");
    }

    #[test]
    fn cmap_maps_everything_to_the_blank() {
        let font = glyphless_font();
        let cmap = table(&font, b"cmap");
        let ids: Vec<usize> = [2, 4, 6, 12, 14].iter().map(|&at| be(cmap, at, 2)).collect();
        assert_eq!(ids, [2, 3, 1, 3, 10], "(3,1) and (3,10)");
        let f4 = &cmap[be(cmap, 8, 4)..];
        let segs = be(f4, 6, 2) / 2;
        let (start, delta) = (16 + 2 * segs, 16 + 4 * segs);
        assert_eq!((be(f4, 0, 2), be(f4, 14, 2), be(f4, start, 2)), (4, 0x20, 0x20));
        assert_eq!((be(f4, delta, 2) + 0x20) % 0x1_0000, usize::from(GLYPH_ID));
        assert_eq!(be(f4, 14 + 2 * (segs - 1), 2), 0xFFFF, "terminating segment");
        let f13 = &cmap[be(cmap, 16, 4)..];
        assert_eq!((be(f13, 0, 2), be(f13, 4, 4)), (13, f13.len()));
        let group = (be(f13, 16, 4), be(f13, 20, 4), be(f13, 24, 4));
        assert_eq!(group, (0, 0x10_FFFF, usize::from(GLYPH_ID)), "all of Unicode");
    }

    #[test]
    fn name_has_the_postscript_name() {
        let font = glyphless_font();
        let name = table(&font, b"name");
        let records = (0..be(name, 2, 2)).map(|i| 6 + 12 * i);
        let r = records.into_iter().find(|&r| be(name, r + 6, 2) == 6).expect("ID 6");
        let at = be(name, 4, 2) + be(name, r + 10, 2);
        let units = (0..be(name, r + 8, 2) / 2).map(|i| be(name, at + 2 * i, 2) as u16);
        let text = String::from_utf16(&units.collect::<Vec<_>>()).ok();
        assert_eq!(text.as_deref(), Some(POSTSCRIPT_NAME));
    }
}
