//! The on-device embedding model: all-MiniLM-L6-v2 as ONNX with its tokenizer files, run by
//! fastembed on the ONNX Runtime loaded in [`crate::runtime`]. Nothing is fetched from a model
//! hub; the files come from `scripts/provision-model.sh` (or the app's bundled resources).

use crate::error::{Result, SearchError};
use crate::runtime;
use fastembed::{
    InitOptionsUserDefined, Pooling, QuantizationMode, TextEmbedding, TokenizerFiles,
    UserDefinedEmbeddingModel,
};
use std::path::{Path, PathBuf};

/// Identifies the vectors of `model.onnx` (int8 weights, fp32 arithmetic); stored with every
/// vector so a model change re-embeds everything. Used only when the dynamically quantized
/// file is absent (`scripts/provision-model.sh --weight-only`).
pub const MODEL_ID: &str = "all-MiniLM-L6-v2-int8";
/// Identifies the vectors of `model_int8_dynamic.onnx` (dynamically quantized: int8
/// arithmetic, about twice as fast with the same retrieval quality on `examples/search_eval`),
/// which `scripts/provision-model.sh` makes by default and the app bundles.
pub const MODEL_ID_DYNAMIC: &str = "all-MiniLM-L6-v2-int8-dynamic";
/// Vector length of [`MODEL_ID`].
pub const DIMENSIONS: usize = 384;
const DEFAULT_FILE: &str = "model.onnx";
const DYNAMIC_FILE: &str = "model_int8_dynamic.onnx";
/// Tokens per text; context documents are written to stay well under it.
const MAX_TOKENS: usize = 256;

/// Where the runtime library and the model files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    pub runtime_library: PathBuf,
    pub model_dir: PathBuf,
    /// The ONNX file inside `model_dir`.
    pub model_file: &'static str,
}

impl ModelPaths {
    /// The layout `scripts/provision-model.sh` writes (and the app bundles as resources):
    /// `<dir>/onnxruntime/<library>` and `<dir>/model/{model.onnx,tokenizer.json,...}`.
    /// The dynamically quantized `model_int8_dynamic.onnx` is used when present.
    pub fn from_dir(dir: &Path) -> ModelPaths {
        let model_dir = dir.join("model");
        let model_file = if model_dir.join(DYNAMIC_FILE).is_file() {
            DYNAMIC_FILE
        } else {
            DEFAULT_FILE
        };
        ModelPaths {
            runtime_library: dir.join("onnxruntime").join(runtime::LIBRARY_NAME),
            model_dir,
            model_file,
        }
    }

    /// The id stored with the vectors this model file makes.
    pub fn model_id(&self) -> &'static str {
        if self.model_file == DYNAMIC_FILE {
            MODEL_ID_DYNAMIC
        } else {
            MODEL_ID
        }
    }

    /// The model directory from `KEEPER_MODEL_DIR`, else `~/.cache/keeper/model` (the script's
    /// default), if a home directory is known.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("KEEPER_MODEL_DIR").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|home| PathBuf::from(home).join(".cache/keeper/model"))
    }
}

/// Options for loading the model.
#[derive(Debug, Clone, Copy)]
pub struct EmbedderOptions {
    /// ONNX Runtime intra-op threads (1 keeps the app from taking every core).
    pub threads: usize,
}

impl Default for EmbedderOptions {
    fn default() -> Self {
        EmbedderOptions { threads: 1 }
    }
}

/// A loaded embedding model.
pub struct Embedder {
    model: TextEmbedding,
    model_id: &'static str,
    /// Run one text per model call (see [`Embedder::embed`]).
    one_text_per_run: bool,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model", &self.model_id)
            .finish()
    }
}

fn read(path: PathBuf) -> Result<Vec<u8>> {
    if !path.is_file() {
        return Err(SearchError::ModelFileMissing { path });
    }
    std::fs::read(&path).map_err(|source| SearchError::ReadFile { path, source })
}

impl Embedder {
    /// Loads ONNX Runtime from `paths.runtime_library` and the model from `paths.model_dir`.
    pub fn load(paths: &ModelPaths, options: EmbedderOptions) -> Result<Embedder> {
        if !paths.model_dir.is_dir() {
            return Err(SearchError::ModelDirMissing(paths.model_dir.clone()));
        }
        let dir = &paths.model_dir;
        let onnx = read(dir.join(paths.model_file))?;
        let tokenizer = TokenizerFiles {
            tokenizer_file: read(dir.join("tokenizer.json"))?,
            config_file: read(dir.join("config.json"))?,
            special_tokens_map_file: read(dir.join("special_tokens_map.json"))?,
            tokenizer_config_file: read(dir.join("tokenizer_config.json"))?,
        };
        let environment = runtime::load(&paths.runtime_library)?;
        let model = UserDefinedEmbeddingModel::new(onnx, tokenizer)
            .with_pooling(Pooling::Mean)
            .with_quantization(QuantizationMode::None);
        let init = InitOptionsUserDefined::new()
            .with_environment(environment)
            .with_max_length(MAX_TOKENS)
            .with_intra_threads(options.threads.max(1));
        let model = TextEmbedding::try_new_from_user_defined(model, init)
            .map_err(|e| SearchError::ModelInit(e.to_string()))?;
        Ok(Embedder {
            model,
            model_id: paths.model_id(),
            one_text_per_run: paths.model_file == DYNAMIC_FILE,
        })
    }

    /// The id stored with the vectors this embedder makes.
    pub fn model_id(&self) -> &'static str {
        self.model_id
    }

    /// Embeds `texts` in batches of `batch` and returns unit-length vectors.
    ///
    /// The dynamically quantized model runs one text at a time whatever `batch` says: it
    /// quantizes activations with a scale computed over the whole batch, so in a batch a
    /// text's vector would depend on the texts next to it (and on their padding), and the same
    /// document would not get the same vector twice. Alone, a text's vector depends on its
    /// text only, which re-embedding by content hash relies on; with no padding at all it
    /// costs little (about 10% more than batches of 4 on `salon`).
    pub fn embed(&mut self, texts: &[&str], batch: usize) -> Result<Vec<Vec<f32>>> {
        let batch = if self.one_text_per_run {
            1
        } else {
            batch.max(1)
        };
        let vectors = self
            .model
            .embed(texts, Some(batch))
            .map_err(|e| SearchError::Embed(e.to_string()))?;
        Ok(vectors.into_iter().map(normalized).collect())
    }

    /// How many tokens the model sees for `text` (with its two special tokens; at most
    /// [`MAX_TOKENS`], where the tokenizer cuts): a document's embedding cost grows with it.
    pub fn token_count(&self, text: &str) -> Result<usize> {
        let encoding = self
            .model
            .tokenizer
            .encode(text, true)
            .map_err(|e| SearchError::Embed(e.to_string()))?;
        Ok(encoding.len())
    }

    /// Embeds one query.
    pub fn embed_query(&mut self, text: &str) -> Result<Vec<f32>> {
        self.embed(&[text], 1)?
            .pop()
            .ok_or_else(|| SearchError::Embed("no vector returned".into()))
    }
}

fn normalized(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Packs a vector as little-endian f32 bytes for a BLOB column.
pub fn to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Unpacks a BLOB written by [`to_blob`].
pub fn from_blob(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The BLOB in column `i` of `row`, borrowed.
pub(crate) fn row_blob<'a>(row: &'a rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'a [u8]> {
    row.get_ref(i)?.as_blob().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
    })
}

/// Dot product of two unit vectors (their cosine).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
