//! Sentence embeddings for visitors' questions: all-MiniLM-L6-v2 run in
//! process by candle (pure Rust, CPU), offline.
//!
//! The pipeline is the one sentence-transformers uses for this model: BERT,
//! then the mean of the token vectors under the attention mask, then L2
//! normalisation, so a dot product is the cosine similarity. Inputs are
//! padded to the longest in each batch (the bundled tokenizer pads to a
//! fixed 128, which wastes most of the work on short questions) and cut at
//! 256 tokens; batches are formed from questions of similar length.

use crate::error::{Error, Result};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::{Path, PathBuf};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// The model's name, stored beside every vector it made.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// Its vectors' length.
pub const DIM: usize = 384;
/// The environment variable that points at the model's folder.
pub const MODEL_DIR_ENV: &str = "HANDOFF_MODEL_DIR";
const FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];
const MAX_TOKENS: usize = 256;
const BATCH: usize = 32;

/// A loaded sentence-embedding model.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

/// Where the model's files were looked for and not found.
pub fn missing_message(searched: &[PathBuf]) -> String {
    let list = searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    format!(
        "the question-grouping model ({MODEL_NAME}) is not installed (looked in: {list}); questions are grouped by their words instead, which splits the checklist into more, smaller groups. Run scripts/fetch-model, or set {MODEL_DIR_ENV} to a folder holding model.safetensors, tokenizer.json and config.json."
    )
}

/// The folders the model is looked for in, in order: `$HANDOFF_MODEL_DIR`;
/// beside the executable (`models/…`, `../share/handoff/models/…`, as
/// installed); the source tree this binary was built from.
pub fn search_path() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_DIR_ENV) {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = Vec::new();
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        dirs.push(exe_dir.join("models").join(MODEL_NAME));
        dirs.push(exe_dir.join("../share/handoff/models").join(MODEL_NAME));
        dirs.push(exe_dir.join("../lib/handoff-desk/models").join(MODEL_NAME));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join(MODEL_NAME));
    dirs
}

/// The first folder on [`search_path`] that holds the model's files.
pub fn locate() -> std::result::Result<PathBuf, String> {
    let dirs = search_path();
    dirs.iter()
        .find(|d| FILES.iter().all(|f| d.join(f).is_file()))
        .cloned()
        .ok_or_else(|| missing_message(&dirs))
}

impl Embedder {
    /// Load the model from `dir` (see [`locate`]).
    pub fn load(dir: &Path) -> Result<Embedder> {
        let bad = |what: &str, why: String| {
            Error::Invalid(format!(
                "cannot load the question-grouping model from {}: {what}: {why}. Run scripts/fetch-model to fetch it again.",
                dir.display()
            ))
        };
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|source| Error::Io { path: dir.join(name), source })
        };
        let config: Config =
            serde_json::from_slice(&read("config.json")?).map_err(|e| bad("config.json", e.to_string()))?;
        let mut tokenizer = Tokenizer::from_bytes(read("tokenizer.json")?)
            .map_err(|e| bad("tokenizer.json", e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| bad("tokenizer.json", e.to_string()))?;
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(read("model.safetensors")?, DType::F32, &device)
            .map_err(|e| bad("model.safetensors", e.to_string()))?;
        let model = BertModel::load(vb, &config).map_err(|e| bad("model.safetensors", e.to_string()))?;
        Ok(Embedder { model, tokenizer, device })
    }

    /// Load the model from where [`locate`] finds it.
    pub fn find() -> std::result::Result<Embedder, String> {
        let dir = locate()?;
        Embedder::load(&dir).map_err(|e| e.to_string())
    }

    /// One unit vector per text, in order.
    pub fn embed<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        // Similar lengths share a batch, so little of it is padding.
        order.sort_by_key(|&i| (texts[i].as_ref().len(), i));
        let mut out = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_ref()).collect();
            for (&i, v) in chunk.iter().zip(self.embed_batch(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// How many tokens the model reads for `texts` (with its two special
    /// tokens each, after truncation): the measure of its work.
    pub fn count_tokens<S: AsRef<str>>(&self, texts: &[S]) -> Result<usize> {
        let texts: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
        let mut plain = self.tokenizer.clone();
        plain.with_padding(None);
        let enc = plain
            .encode_batch(texts, true)
            .map_err(|e| Error::Invalid(format!("the question-grouping model failed: {e}")))?;
        Ok(enc.iter().map(|e| e.get_ids().len()).sum())
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let fail = |e: String| Error::Invalid(format!("the question-grouping model failed: {e}"));
        let enc = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(|e| fail(e.to_string()))?;
        let rows = enc.len();
        let cols = enc.iter().map(|e| e.get_ids().len()).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(rows * cols);
        let mut mask = Vec::with_capacity(rows * cols);
        for e in &enc {
            let (i, m) = (e.get_ids(), e.get_attention_mask());
            ids.extend((0..cols).map(|c| i.get(c).copied().unwrap_or(0)));
            mask.extend((0..cols).map(|c| m.get(c).copied().unwrap_or(0)));
        }
        let t = |v: Vec<u32>| Tensor::from_vec(v, (rows, cols), &self.device);
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = t(ids)?;
            let mask = t(mask)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&m)?.sum(1)?;
            let counts = m.sum(1)?.clamp(1e-9, f32::MAX)?;
            let mean = summed.broadcast_div(&counts)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f32::MAX)?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(|e| fail(e.to_string()))
    }
}
