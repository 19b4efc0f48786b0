//! Unconstrained minimisation for the model fits: BFGS with an analytic gradient, a
//! backtracking (Armijo) line search, and restarts.
//!
//! **Algorithm.** From a start x₀ with inverse-Hessian estimate H₀ = I, each iteration takes
//! the direction d = −H g (falling back to steepest descent, and resetting H, when d is not a
//! descent direction), caps the step so no coordinate moves more than [`MAX_STEP`] (the
//! coordinates are log-parameters, so this keeps `exp` finite), and halves the step (at most
//! [`MAX_HALVINGS`] times) until the Armijo condition f(x + s d) ≤ f(x) + 10⁻⁴ s gᵀd holds
//! with a strict decrease (a NaN or infinite objective counts as failure; strictness stops
//! the search "succeeding" once the right-hand side rounds to f(x)). H gets the standard BFGS update when the curvature yᵀs > 0 and is otherwise
//! kept; after the first step H is rescaled by yᵀs / yᵀy (Nocedal & Wright eq. 6.20).
//!
//! **Convergence.** A run stops when ‖g‖∞ ≤ `gradient_tolerance`, or when the line search
//! cannot decrease f any more (f is flat to machine precision) and ‖g‖∞ ≤ 10³ ×
//! `gradient_tolerance`, or when [`STALL_ITERATIONS`] steps in a row lower f by less than
//! 10⁻¹⁴ relative (then it counts as converged only under the same relaxed gradient test);
//! reaching `max_iterations` is reported as not converged. A run that
//! moves any coordinate beyond ±`coordinate_bound` stops at once and is reported as
//! `escaped`: the infimum lies at infinity (for the model fits, a degenerate likelihood).
//!
//! **Restarts.** [`minimize`] runs BFGS from every start given, keeps the best end point, and
//! then restarts from it with a fresh H until a restart no longer lowers f by more than
//! 10⁻¹² relative (at most [`MAX_POLISH_RESTARTS`] times). Fresh restarts discard a
//! Hessian estimate that has drifted, the usual cure for BFGS stalling on ridges.

/// Largest change of any coordinate in one step.
pub const MAX_STEP: f64 = 5.0;
/// Most step halvings in one line search (the step then is about 10⁻¹²).
pub const MAX_HALVINGS: usize = 40;
/// Consecutive negligible improvements after which a run stops.
pub const STALL_ITERATIONS: usize = 20;
/// Most restarts from the best point found.
pub const MAX_POLISH_RESTARTS: usize = 4;

/// Stopping rules.
#[derive(Debug, Clone, Copy)]
pub struct Tolerances {
    pub gradient_tolerance: f64,
    pub max_iterations: usize,
    pub coordinate_bound: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            gradient_tolerance: 1e-9,
            max_iterations: 1_000,
            coordinate_bound: f64::INFINITY,
        }
    }
}

/// The end point of a minimisation.
#[derive(Debug, Clone, Copy)]
pub struct Minimum<const N: usize> {
    pub x: [f64; N],
    pub value: f64,
    pub converged: bool,
    /// The best run left the box ±`coordinate_bound`.
    pub escaped: bool,
    /// BFGS iterations over all runs.
    pub iterations: usize,
    /// Objective (with gradient) evaluations over all runs.
    pub evaluations: usize,
}

/// Minimises `objective`, which returns f(x) and writes ∇f(x) into its second argument.
pub fn minimize<const N: usize, F>(
    mut objective: F,
    starts: &[[f64; N]],
    tolerances: Tolerances,
) -> Minimum<N>
where
    F: FnMut(&[f64; N], &mut [f64; N]) -> f64,
{
    let mut best: Option<Minimum<N>> = None;
    let mut iterations = 0;
    let mut evaluations = 0;
    for start in starts {
        let run = bfgs(&mut objective, *start, tolerances);
        iterations += run.iterations;
        evaluations += run.evaluations;
        if best.is_none_or(|b| better(&run, &b)) {
            best = Some(run);
        }
    }
    let Some(mut best) = best else {
        return Minimum {
            x: [f64::NAN; N],
            value: f64::NAN,
            converged: false,
            escaped: false,
            iterations,
            evaluations,
        };
    };
    for _ in 0..MAX_POLISH_RESTARTS {
        let run = bfgs(&mut objective, best.x, tolerances);
        iterations += run.iterations;
        evaluations += run.evaluations;
        let improved = run.value < best.value - 1e-12 * best.value.abs().max(1.0);
        if better(&run, &best) {
            best = run;
        }
        if !improved || best.escaped {
            break;
        }
    }
    best.iterations = iterations;
    best.evaluations = evaluations;
    best
}

fn better<const N: usize>(a: &Minimum<N>, b: &Minimum<N>) -> bool {
    a.value.is_finite()
        && (!b.value.is_finite() || a.value < b.value || (a.value == b.value && a.converged))
}

fn bfgs<const N: usize, F>(objective: &mut F, start: [f64; N], tol: Tolerances) -> Minimum<N>
where
    F: FnMut(&[f64; N], &mut [f64; N]) -> f64,
{
    let mut x = start;
    let mut g = [0.0; N];
    let mut f = objective(&x, &mut g);
    let mut evaluations = 1;
    if !f.is_finite() {
        return Minimum {
            x,
            value: f,
            converged: false,
            escaped: false,
            iterations: 0,
            evaluations,
        };
    }
    let mut h = identity::<N>();
    let mut first_update = true;
    let mut stalled = 0;
    for iteration in 0..tol.max_iterations {
        let g_norm = g.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        if g_norm <= tol.gradient_tolerance {
            return Minimum {
                x,
                value: f,
                converged: true,
                escaped: false,
                iterations: iteration,
                evaluations,
            };
        }
        let mut d = mat_vec(&h, &g).map(|v| -v);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 || !slope.is_finite() {
            h = identity::<N>();
            first_update = true;
            d = g.map(|v| -v);
            slope = dot(&g, &d);
        }
        let d_norm = d.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        if d_norm > MAX_STEP {
            let scale = MAX_STEP / d_norm;
            d = d.map(|v| v * scale);
            slope *= scale;
        }
        // Backtracking line search (Armijo).
        let mut step = 1.0;
        let mut accepted = None;
        let mut g_new = [0.0; N];
        for _ in 0..MAX_HALVINGS {
            let mut x_new = x;
            for i in 0..N {
                x_new[i] += step * d[i];
            }
            let f_new = objective(&x_new, &mut g_new);
            evaluations += 1;
            if f_new.is_finite() && f_new < f && f_new <= f + 1e-4 * step * slope {
                accepted = Some((x_new, f_new));
                break;
            }
            step *= 0.5;
        }
        let Some((x_new, f_new)) = accepted else {
            // Flat to machine precision along the best direction we have.
            let converged = g_norm <= 1e3 * tol.gradient_tolerance;
            return Minimum {
                x,
                value: f,
                converged,
                escaped: false,
                iterations: iteration,
                evaluations,
            };
        };
        let s: [f64; N] = std::array::from_fn(|i| x_new[i] - x[i]);
        let y: [f64; N] = std::array::from_fn(|i| g_new[i] - g[i]);
        let sy = dot(&s, &y);
        if sy > 1e-300 {
            if first_update {
                let yy = dot(&y, &y);
                h = identity::<N>();
                for (i, row) in h.iter_mut().enumerate() {
                    row[i] = sy / yy;
                }
                first_update = false;
            }
            bfgs_update(&mut h, &s, &y, sy);
        }
        stalled = if f - f_new <= 1e-14 * f.abs().max(1e-300) {
            stalled + 1
        } else {
            0
        };
        x = x_new;
        f = f_new;
        g = g_new;
        if stalled >= STALL_ITERATIONS {
            let g_norm = g.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let converged = g_norm <= 1e3 * tol.gradient_tolerance;
            return Minimum {
                x,
                value: f,
                converged,
                escaped: false,
                iterations: iteration + 1,
                evaluations,
            };
        }
        if x.iter().any(|v| v.abs() > tol.coordinate_bound) {
            return Minimum {
                x,
                value: f,
                converged: false,
                escaped: true,
                iterations: iteration + 1,
                evaluations,
            };
        }
    }
    Minimum {
        x,
        value: f,
        converged: false,
        escaped: false,
        iterations: tol.max_iterations,
        evaluations,
    }
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / yᵀs.
fn bfgs_update<const N: usize>(h: &mut [[f64; N]; N], s: &[f64; N], y: &[f64; N], sy: f64) {
    let rho = 1.0 / sy;
    let hy = mat_vec(h, y);
    let yhy = dot(y, &hy);
    for i in 0..N {
        for j in 0..N {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    std::array::from_fn(|i| std::array::from_fn(|j| if i == j { 1.0 } else { 0.0 }))
}

fn mat_vec<const N: usize>(m: &[[f64; N]; N], v: &[f64; N]) -> [f64; N] {
    std::array::from_fn(|i| dot(&m[i], v))
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64; 2], g: &mut [f64; 2]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        let m = minimize(rosenbrock, &[[-1.2, 1.0]], Tolerances::default());
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-7 && (m.x[1] - 1.0).abs() < 1e-7,
            "{:?}",
            m.x
        );
    }

    #[test]
    fn restarts_keep_the_best_of_several_starts() {
        // Two basins: f = (x² − 1)² + 0.1 x has its global minimum near x = −1.
        let f = |x: &[f64; 1], g: &mut [f64; 1]| {
            g[0] = 4.0 * x[0] * (x[0] * x[0] - 1.0) + 0.1;
            (x[0] * x[0] - 1.0).powi(2) + 0.1 * x[0]
        };
        let m = minimize(f, &[[0.9], [-0.9]], Tolerances::default());
        assert!(m.x[0] < -0.9, "{:?}", m.x);
    }

    #[test]
    fn a_run_to_infinity_stops_at_the_bound() {
        let f = |x: &[f64; 1], g: &mut [f64; 1]| {
            g[0] = -(-x[0]).exp();
            (-x[0]).exp()
        };
        let tol = Tolerances {
            coordinate_bound: 20.0,
            ..Tolerances::default()
        };
        let m = minimize(f, &[[0.0]], tol);
        assert!(m.escaped && !m.converged && m.x[0] > 20.0, "{m:?}");
    }

    #[test]
    fn a_nan_objective_is_reported_as_not_converged() {
        let m = minimize(
            |_: &[f64; 1], _: &mut [f64; 1]| f64::NAN,
            &[[0.0]],
            Tolerances::default(),
        );
        assert!(!m.converged);
    }
}
