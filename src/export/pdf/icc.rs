//! The sRGB colour profile a PDF/A file names as its output intent, built in
//! code (nothing binary is kept in the project): an ICC v2.1 display profile
//! with the sRGB primaries adapted to D50 and the sRGB tone curve, sampled.

/// Samples of the tone curve: fine enough that 8-bit values interpolate exactly.
const CURVE_POINTS: usize = 1024;

/// The profile's bytes.
pub fn srgb_profile() -> Vec<u8> {
    // sRGB's primaries (D65 white) adapted to the D50 connection space (Bradford).
    let tags: [([u8; 4], Vec<u8>); 6] = [
        (*b"desc", text_description("sRGB IEC61966-2.1")),
        (*b"cprt", text("Public Domain")),
        (*b"wtpt", xyz(D50)),
        (*b"rXYZ", xyz([0.436_041, 0.222_485, 0.013_920])),
        (*b"gXYZ", xyz([0.385_113, 0.716_905, 0.097_067])),
        (*b"bXYZ", xyz([0.143_046, 0.060_610, 0.713_913])),
    ];
    let curve = srgb_curve();
    // The three channels share one curve: one copy, three tags pointing at it.
    let table_len = 4 + 12 * (tags.len() + 3);
    let mut offset = 128 + table_len;
    let mut table = Vec::with_capacity(table_len);
    let mut data = Vec::new();
    table.extend_from_slice(&((tags.len() + 3) as u32).to_be_bytes());
    for (signature, body) in &tags {
        push_tag(&mut table, *signature, offset, body.len());
        offset += padded(body.len());
        data.extend_from_slice(body);
        data.resize(padded(data.len()), 0);
    }
    for signature in [*b"rTRC", *b"gTRC", *b"bTRC"] {
        push_tag(&mut table, signature, offset, curve.len());
    }
    data.extend_from_slice(&curve);
    let size = 128 + table.len() + data.len();
    let mut profile = header(size as u32);
    profile.extend_from_slice(&table);
    profile.extend_from_slice(&data);
    profile
}

/// The D50 illuminant of the profile connection space.
const D50: [f64; 3] = [0.9642, 1.0, 0.8249];

fn header(size: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(128);
    h.extend_from_slice(&size.to_be_bytes());
    h.extend_from_slice(&[0; 4]); // preferred CMM: none
    h.extend_from_slice(&0x0210_0000u32.to_be_bytes()); // version 2.1
    h.extend_from_slice(b"mntrRGB XYZ ");
    // Creation date, fixed so that the same input gives the same file.
    for part in [2026u16, 1, 1, 0, 0, 0] {
        h.extend_from_slice(&part.to_be_bytes());
    }
    h.extend_from_slice(b"acsp");
    h.extend_from_slice(&[0; 28]); // platform, flags, maker, model, attributes, intent 0
    for v in D50 {
        h.extend_from_slice(&s15_fixed16(v));
    }
    h.resize(128, 0); // creator, profile ID, reserved
    h
}

fn push_tag(table: &mut Vec<u8>, signature: [u8; 4], offset: usize, len: usize) {
    table.extend_from_slice(&signature);
    table.extend_from_slice(&(offset as u32).to_be_bytes());
    table.extend_from_slice(&(len as u32).to_be_bytes());
}

fn padded(len: usize) -> usize {
    len.div_ceil(4) * 4
}

fn s15_fixed16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

fn xyz(v: [f64; 3]) -> Vec<u8> {
    let mut out = b"XYZ \0\0\0\0".to_vec();
    for c in v {
        out.extend_from_slice(&s15_fixed16(c));
    }
    out
}

fn text(s: &str) -> Vec<u8> {
    let mut out = b"text\0\0\0\0".to_vec();
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    out
}

/// The v2 `desc` type: an ASCII description, then empty Unicode and Macintosh parts.
fn text_description(s: &str) -> Vec<u8> {
    let mut out = b"desc\0\0\0\0".to_vec();
    out.extend_from_slice(&(s.len() as u32 + 1).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    out.extend_from_slice(&[0; 4 + 4]); // Unicode language code and count
    out.extend_from_slice(&[0; 2 + 1 + 67]); // ScriptCode code, count and field
    out
}

/// sRGB's tone curve (IEC 61966-2-1), sampled as a `curv`.
fn srgb_curve() -> Vec<u8> {
    let mut out = b"curv\0\0\0\0".to_vec();
    out.extend_from_slice(&(CURVE_POINTS as u32).to_be_bytes());
    for i in 0..CURVE_POINTS {
        let x = i as f64 / (CURVE_POINTS - 1) as f64;
        // The linear toe and the 2.4 power segment meet at 0.04045.
        let y = if x <= 0.040_45 {
            x / 12.92
        } else {
            ((x + 0.055) / 1.055).powf(2.4)
        };
        out.extend_from_slice(&((y * 65535.0).round() as u16).to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> usize {
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
    }

    #[test]
    fn the_profile_is_a_well_formed_v2_display_profile() {
        let p = srgb_profile();
        assert_eq!(u32_at(&p, 0), p.len());
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(&p[36..40], b"acsp");
        let count = u32_at(&p, 128);
        assert_eq!(count, 9);
        let mut signatures = Vec::new();
        for t in 0..count {
            let entry = 132 + 12 * t;
            let (offset, len) = (u32_at(&p, entry + 4), u32_at(&p, entry + 8));
            assert_eq!(offset % 4, 0, "tags start on 4-byte boundaries");
            assert!(offset + len <= p.len());
            signatures.push(String::from_utf8_lossy(&p[entry..entry + 4]).into_owned());
        }
        for s in ["desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"] {
            assert!(signatures.iter().any(|x| x == s), "{s} in {signatures:?}");
        }
        // The curve ends at full scale and starts at zero.
        let curve = srgb_curve();
        assert_eq!(&curve[12..14], &[0, 0]);
        assert_eq!(&curve[curve.len() - 2..], &[0xFF, 0xFF]);
    }
}
