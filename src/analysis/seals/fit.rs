//! Fitting an axis-aligned ellipse to points by least squares.

/// Least-squares axis-aligned ellipse `A x² + C y² + D x + E y = 1` through
/// `points` (taken relative to `origin`, in units of `unit` for conditioning):
/// its centre and radii, or `None` when the points make no ellipse.
pub(super) fn fit_ellipse(
    points: &[(f32, f32)],
    origin: (f32, f32),
    unit: (f32, f32),
) -> Option<((f32, f32), (f32, f32))> {
    if points.len() < 4 {
        return None;
    }
    let mut normal = [[0f64; 4]; 4];
    let mut rhs = [0f64; 4];
    for &(x, y) in points {
        let u = ((x - origin.0) / unit.0) as f64;
        let v = ((y - origin.1) / unit.1) as f64;
        let row = [u * u, v * v, u, v];
        for i in 0..4 {
            rhs[i] += row[i];
            for j in 0..4 {
                normal[i][j] += row[i] * row[j];
            }
        }
    }
    let [a, c, d, e] = solve4(normal, rhs)?;
    if a <= 0.0 || c <= 0.0 {
        return None;
    }
    let (u0, v0) = (-d / (2.0 * a), -e / (2.0 * c));
    let f = 1.0 + d * d / (4.0 * a) + e * e / (4.0 * c);
    if f <= 0.0 {
        return None;
    }
    let (ru, rv) = ((f / a).sqrt(), (f / c).sqrt());
    Some((
        (origin.0 + (u0 as f32) * unit.0, origin.1 + (v0 as f32) * unit.1),
        ((ru as f32) * unit.0, (rv as f32) * unit.1),
    ))
}

/// Solves a 4×4 linear system by Gaussian elimination with partial pivoting.
fn solve4(mut m: [[f64; 4]; 4], mut b: [f64; 4]) -> Option<[f64; 4]> {
    for col in 0..4 {
        let pivot = (col..4).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        // Points on a line or a single spot: no ellipse (the sums are of squares of order 1).
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..4 {
            let k = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (cell, &p) in m[row].iter_mut().zip(&pivot_row).skip(col) {
                *cell -= k * p;
            }
            b[row] -= k * b[col];
        }
    }
    let mut x = [0f64; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|j| m[row][j] * x[j]).sum();
        x[row] = (b[row] - s) / m[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_an_ellipse_give_it_back() {
        let points: Vec<(f32, f32)> = (0..36)
            .map(|k| (k as f32 * 10.0).to_radians())
            .map(|a| (200.0 + 120.0 * a.cos(), 150.0 + 80.0 * a.sin()))
            .collect();
        let ((cx, cy), (a, b)) = fit_ellipse(&points, (190.0, 160.0), (100.0, 100.0)).expect("an ellipse");
        assert!((cx - 200.0).abs() < 0.1 && (cy - 150.0).abs() < 0.1, "{cx} {cy}");
        assert!((a - 120.0).abs() < 0.1 && (b - 80.0).abs() < 0.1, "{a} {b}");
        let line: Vec<(f32, f32)> = (0..10).map(|k| (k as f32, 2.0 * k as f32)).collect();
        assert_eq!(fit_ellipse(&line, (0.0, 0.0), (1.0, 1.0)), None);
    }
}
