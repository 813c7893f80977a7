//! The built-in curriculum, compiled into the binary from `lessons/` so that
//! an installed `nntutor` needs no files.

pub struct Builtin {
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(Builtin { file: $name, text: include_str!(concat!("../../lessons/", $name)) }),*]
    };
}

pub const BUILTIN: &[Builtin] = builtin![
    "linear-scores.toml",
    "linear-geometry.toml",
    "svm.toml",
    "softmax.toml",
    "backprop.toml",
    "bird-car-step.toml",
    "mlp.toml",
    "activations.toml",
    "regularization.toml",
    "hard-cases.toml",
    "softmax-vs-svm.toml",
    "cross-entropy.toml",
    "logistic-regression.toml",
    "linear-models.toml",
    "tea-temperature.toml",
    "optimization.toml",
    "spiral-mlp.toml",
    "optimizers.toml",
    "deep-networks.toml",
    "digits.toml",
];
