//! Why a churn/value model could not be fitted or evaluated. A thin history is a normal,
//! typed outcome: the caller falls back to cadence rules and shows no model number.

/// Errors from the BG/NBD and Gamma-Gamma models.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// Fewer customers than the model needs to identify its parameters.
    #[error("too few customers to fit the {model} model: {found} (need at least {needed})")]
    TooFewCustomers {
        model: &'static str,
        found: usize,
        needed: usize,
    },
    /// Too few customers came back for a repeat purchase (zero means none did).
    #[error("too few repeat customers to fit the {model} model: {found} (need at least {needed})")]
    TooFewRepeaters {
        model: &'static str,
        found: usize,
        needed: usize,
    },
    /// An observation violates the model's assumptions (e.g. recency greater than age).
    #[error("observation {index} is invalid: {reason}")]
    InvalidObservation { index: usize, reason: String },
    /// The optimizer stopped without meeting its convergence test.
    #[error("the {model} fit did not converge after {iterations} iterations")]
    DidNotConverge {
        model: &'static str,
        iterations: usize,
    },
    /// The likelihood is maximised at the edge of the parameter space: the data cannot
    /// identify the model (e.g. nobody ever lapses, or every spend is identical).
    #[error("the {model} fit is degenerate: {parameter} ran off to {value:e}")]
    Degenerate {
        model: &'static str,
        parameter: &'static str,
        value: f64,
    },
    /// Gamma-Gamma with q ≤ 1 has no finite mean spend, so no expected spend exists.
    #[error("the spend model has no finite mean (q = {q} ≤ 1)")]
    SpendMeanUndefined { q: f64 },
    /// A prediction could not be computed to full precision (series did not converge).
    #[error("could not evaluate {what}")]
    Numerical { what: &'static str },
}

impl ModelError {
    /// Stable snake_case code the UI can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::TooFewCustomers { .. } => "too_few_customers",
            ModelError::TooFewRepeaters { .. } => "too_few_repeaters",
            ModelError::InvalidObservation { .. } => "invalid_observation",
            ModelError::DidNotConverge { .. } => "did_not_converge",
            ModelError::Degenerate { .. } => "degenerate_fit",
            ModelError::SpendMeanUndefined { .. } => "spend_mean_undefined",
            ModelError::Numerical { .. } => "numerical_failure",
        }
    }

    /// True when the error means "history too thin": the caller should fall back to
    /// cadence rules rather than report a failure.
    pub fn is_thin_history(&self) -> bool {
        matches!(
            self,
            ModelError::TooFewCustomers { .. }
                | ModelError::TooFewRepeaters { .. }
                | ModelError::Degenerate { .. }
                | ModelError::SpendMeanUndefined { .. }
        )
    }
}
