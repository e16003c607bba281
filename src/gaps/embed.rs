//! Sentence embeddings for visitors' questions: all-MiniLM-L6-v2 run in
//! process by [`super::bert`] (pure Rust, CPU), offline.
//!
//! The pipeline is the one sentence-transformers uses for this model: BERT,
//! then the mean of each question's token vectors, then L2 normalisation, so
//! a dot product is the cosine similarity. Questions are cut at 256 tokens
//! and packed into batches of about [`BATCH_TOKENS`] tokens with no padding;
//! the batches are shared out over the machine's cores. A question's vector
//! does not depend on which batch or thread computed it.

use super::bert::{Bert, Config};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokenizers::{Tokenizer, TruncationParams};

/// The model's name, stored beside every vector it made.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// Its vectors' length.
pub const DIM: usize = 384;
/// The environment variable that points at the model's folder.
pub const MODEL_DIR_ENV: &str = "HANDOFF_MODEL_DIR";
const FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];
const MAX_TOKENS: usize = 256;
/// Tokens per batch: enough rows for the matrix products to run near their
/// best speed, few enough that a batch's activations stay in cache.
pub const BATCH_TOKENS: usize = 512;

/// A loaded sentence-embedding model.
pub struct Embedder {
    model: Bert,
    tokenizer: Tokenizer,
    threads: usize,
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
        if config.hidden_size != DIM {
            return Err(bad("config.json", format!("vectors of {} numbers, not {DIM}", config.hidden_size)));
        }
        let mut tokenizer = Tokenizer::from_bytes(read("tokenizer.json")?)
            .map_err(|e| bad("tokenizer.json", e.to_string()))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS.min(config.max_position_embeddings),
                ..Default::default()
            }))
            .map_err(|e| bad("tokenizer.json", e.to_string()))?;
        let model =
            Bert::load(&read("model.safetensors")?, &config).map_err(|e| bad("model.safetensors", e))?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Embedder { model, tokenizer, threads })
    }

    /// Use at most `threads` threads (at least one) for [`Embedder::embed`].
    pub fn with_threads(mut self, threads: usize) -> Embedder {
        self.threads = threads.max(1);
        self
    }

    /// Load the model from where [`locate`] finds it.
    pub fn find() -> std::result::Result<Embedder, String> {
        let dir = locate()?;
        Embedder::load(&dir).map_err(|e| e.to_string())
    }

    /// One unit vector per text, in order.
    pub fn embed<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>> {
        let ids = self.tokenize(texts)?;
        // Batches of consecutive texts, about BATCH_TOKENS tokens each.
        let mut batches: Vec<std::ops::Range<usize>> = Vec::new();
        let (mut start, mut tokens) = (0, 0);
        for (i, t) in ids.iter().enumerate() {
            if tokens > 0 && tokens + t.len() > BATCH_TOKENS {
                batches.push(start..i);
                (start, tokens) = (i, 0);
            }
            tokens += t.len();
        }
        if start < ids.len() {
            batches.push(start..ids.len());
        }
        // Each thread takes the next batch until none is left.
        let next = AtomicUsize::new(0);
        let work = || -> Result<Vec<Done>> {
            let mut done = Vec::new();
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                let Some(range) = batches.get(b) else { return Ok(done) };
                done.push((range.start, self.embed_batch(&ids[range.clone()])?));
            }
        };
        let threads = self.threads.min(batches.len()).max(1);
        let results: Vec<Result<Vec<Done>>> = if threads == 1 {
            vec![work()]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Err(fail("a worker thread panicked".into()))))
                    .collect()
            })
        };
        let mut out = vec![Vec::new(); texts.len()];
        for r in results {
            for (start, vectors) in r? {
                for (k, v) in vectors.into_iter().enumerate() {
                    out[start + k] = v;
                }
            }
        }
        Ok(out)
    }

    /// How many tokens the model reads for `texts` (with its two special
    /// tokens each, after truncation): the measure of its work.
    pub fn count_tokens<S: AsRef<str>>(&self, texts: &[S]) -> Result<usize> {
        Ok(self.tokenize(texts)?.iter().map(Vec::len).sum())
    }

    fn tokenize<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<u32>>> {
        let texts: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
        let enc = self.tokenizer.encode_batch(texts, true).map_err(|e| fail(e.to_string()))?;
        Ok(enc.iter().map(|e| e.get_ids().to_vec()).collect())
    }

    /// Token ids of one text, as the model reads them (for tests and tools).
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>> {
        Ok(self.tokenize(&[text])?.remove(0))
    }

    fn embed_batch(&self, seqs: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let lens: Vec<usize> = seqs.iter().map(Vec::len).collect();
        let hidden = self.model.forward(&seqs.concat(), &lens).map_err(fail)?;
        let mut out = Vec::with_capacity(seqs.len());
        let mut start = 0;
        for &len in &lens {
            // Mean of the token vectors, then unit length.
            let mut v = vec![0f32; DIM];
            for row in hidden.rows().into_iter().skip(start).take(len) {
                for (x, y) in v.iter_mut().zip(row.iter()) {
                    *x += y;
                }
            }
            let count = len.max(1) as f32;
            v.iter_mut().for_each(|x| *x /= count);
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            v.iter_mut().for_each(|x| *x /= norm);
            out.push(v);
            start += len;
        }
        Ok(out)
    }
}

/// A batch's first text's position, and the batch's vectors.
type Done = (usize, Vec<Vec<f32>>);

fn fail(e: String) -> Error {
    Error::Invalid(format!("the question-grouping model failed: {e}"))
}
