//! The sentence model's encoder: BERT's forward pass over the weights in a
//! `model.safetensors` file, on the CPU, in plain Rust (ndarray; its matrix
//! products are matrixmultiply's vectorised kernels).
//!
//! Sequences are packed, not padded: a batch is its sequences' tokens one
//! after another, every dense layer is one matrix product over all of them,
//! and attention runs within each sequence's own span. That is exactly BERT
//! with an attention mask over padding (a masked key gets weight 0), minus
//! the work padding costs. Position ids start at 0 in every sequence; token
//! types are all 0 (single sentences).
//!
//! Only what sentence embedding needs is here: no pooler, no dropout (the
//! model is only ever run for inference), GELU in its exact (erf) form, as
//! the model was trained. erf is Eigen's single-precision rational
//! approximation (`generic_fast_erf_float`, the one XLA and TVM also use: a
//! degree-13 odd numerator over a degree-8 even denominator on [-4, 4],
//! within a few units in the last place of f32): unlike a libm call per
//! element it compiles to vector instructions, and the feed-forward layer
//! evaluates it 1,536 times per token and layer.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, Axis, Slice};
use safetensors::{Dtype, SafeTensors};

/// The part of a BERT `config.json` the forward pass reads.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Config {
    /// Width of the token vectors.
    pub hidden_size: usize,
    /// Attention heads per layer.
    pub num_attention_heads: usize,
    /// Encoder layers.
    pub num_hidden_layers: usize,
    /// Width of each layer's feed-forward part.
    pub intermediate_size: usize,
    /// Longest sequence the position table covers.
    pub max_position_embeddings: usize,
    /// Layer normalisation's epsilon.
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f32,
    /// The activation; only "gelu" is supported.
    #[serde(default = "default_act")]
    pub hidden_act: String,
}

fn default_eps() -> f32 {
    1e-12
}

fn default_act() -> String {
    "gelu".into()
}

/// `x · w + b`, with `w` stored as in × out.
struct Linear {
    w: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    fn forward(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut y = x.dot(&self.w);
        y += &self.b;
        y
    }
}

struct LayerNorm {
    gain: Array1<f32>,
    bias: Array1<f32>,
    eps: f32,
}

impl LayerNorm {
    fn apply(&self, x: &mut Array2<f32>) {
        let (gain, bias) = (self.gain.view(), self.bias.view());
        for mut row in x.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + self.eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(gain.iter()).zip(bias.iter()) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

struct Layer {
    /// Query, key and value side by side: one product instead of three.
    qkv: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    up: Linear,
    down: Linear,
    out_norm: LayerNorm,
}

/// A loaded BERT encoder.
pub struct Bert {
    word: Array2<f32>,
    position: Array2<f32>,
    token_type: Array1<f32>,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
}

/// Reads named tensors out of a safetensors file, checking shapes.
struct Weights<'a> {
    st: SafeTensors<'a>,
    prefix: &'static str,
}

impl Weights<'_> {
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let full = format!("{}{name}", self.prefix);
        let t = self.st.tensor(&full).map_err(|_| format!("the weight {full} is missing"))?;
        if t.dtype() != Dtype::F32 {
            return Err(format!("the weight {full} is {:?}, not F32", t.dtype()));
        }
        if t.shape() != shape {
            return Err(format!("the weight {full} has shape {:?}, not {shape:?}", t.shape()));
        }
        Ok(t.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Array2<f32>, String> {
        Array2::from_shape_vec((rows, cols), self.get(name, &[rows, cols])?).map_err(|e| e.to_string())
    }

    fn vector(&self, name: &str, len: usize) -> Result<Array1<f32>, String> {
        Ok(Array1::from_vec(self.get(name, &[len])?))
    }

    /// A dense layer stored PyTorch's way (out × in), turned to in × out.
    fn linear(&self, name: &str, inputs: usize, outputs: usize) -> Result<Linear, String> {
        let w = self.matrix(&format!("{name}.weight"), outputs, inputs)?;
        Ok(Linear {
            w: w.t().as_standard_layout().into_owned(),
            b: self.vector(&format!("{name}.bias"), outputs)?,
        })
    }

    fn norm(&self, name: &str, width: usize, eps: f32) -> Result<LayerNorm, String> {
        Ok(LayerNorm {
            gain: self.vector(&format!("{name}.weight"), width)?,
            bias: self.vector(&format!("{name}.bias"), width)?,
            eps,
        })
    }
}

impl Bert {
    /// Load from the bytes of a `model.safetensors` (names as Hugging Face's
    /// `BertModel` saves them, with or without a `bert.` prefix).
    pub fn load(safetensors: &[u8], cfg: &Config) -> Result<Bert, String> {
        if cfg.hidden_act != "gelu" {
            return Err(format!("the activation {:?} is not supported (only gelu)", cfg.hidden_act));
        }
        if cfg.num_attention_heads == 0 || !cfg.hidden_size.is_multiple_of(cfg.num_attention_heads) {
            return Err("hidden_size is not a multiple of num_attention_heads".into());
        }
        let st = SafeTensors::deserialize(safetensors).map_err(|e| e.to_string())?;
        let prefix = if st.tensor("embeddings.word_embeddings.weight").is_ok() { "" } else { "bert." };
        let w = Weights { st, prefix };
        let (h, inter, eps) = (cfg.hidden_size, cfg.intermediate_size, cfg.layer_norm_eps);
        let vocab =
            w.st.tensor(&format!("{prefix}embeddings.word_embeddings.weight"))
                .map_err(|_| format!("the weight {prefix}embeddings.word_embeddings.weight is missing"))?
                .shape()
                .first()
                .copied()
                .unwrap_or(0);
        let types =
            w.st.tensor(&format!("{prefix}embeddings.token_type_embeddings.weight"))
                .map(|t| t.shape().first().copied().unwrap_or(0))
                .unwrap_or(0);
        let token_types = w.matrix("embeddings.token_type_embeddings.weight", types, h)?;
        let mut layers = Vec::with_capacity(cfg.num_hidden_layers);
        for i in 0..cfg.num_hidden_layers {
            let p = format!("encoder.layer.{i}");
            let q = w.linear(&format!("{p}.attention.self.query"), h, h)?;
            let k = w.linear(&format!("{p}.attention.self.key"), h, h)?;
            let v = w.linear(&format!("{p}.attention.self.value"), h, h)?;
            let qkv = Linear {
                w: ndarray::concatenate(Axis(1), &[q.w.view(), k.w.view(), v.w.view()])
                    .map_err(|e| e.to_string())?,
                b: ndarray::concatenate(Axis(0), &[q.b.view(), k.b.view(), v.b.view()])
                    .map_err(|e| e.to_string())?,
            };
            layers.push(Layer {
                qkv,
                attn_out: w.linear(&format!("{p}.attention.output.dense"), h, h)?,
                attn_norm: w.norm(&format!("{p}.attention.output.LayerNorm"), h, eps)?,
                up: w.linear(&format!("{p}.intermediate.dense"), h, inter)?,
                down: w.linear(&format!("{p}.output.dense"), inter, h)?,
                out_norm: w.norm(&format!("{p}.output.LayerNorm"), h, eps)?,
            });
        }
        Ok(Bert {
            word: w.matrix("embeddings.word_embeddings.weight", vocab, h)?,
            position: w.matrix("embeddings.position_embeddings.weight", cfg.max_position_embeddings, h)?,
            token_type: token_types.row(0).to_owned(),
            embed_norm: w.norm("embeddings.LayerNorm", h, eps)?,
            layers,
            heads: cfg.num_attention_heads,
            hidden: h,
        })
    }

    /// The longest sequence the model can read.
    pub fn max_len(&self) -> usize {
        self.position.nrows()
    }

    /// Token vectors for packed sequences: `ids` holds the sequences one
    /// after another, `lens` their lengths (each ≤ [`Bert::max_len`]).
    /// Returns one row per token, in the same order.
    pub fn forward(&self, ids: &[u32], lens: &[usize]) -> Result<Array2<f32>, String> {
        if lens.iter().sum::<usize>() != ids.len() {
            return Err("sequence lengths do not add up to the tokens given".into());
        }
        if lens.iter().any(|&l| l > self.max_len()) {
            return Err(format!("a sequence is longer than the model's {} positions", self.max_len()));
        }
        let mut x = Array2::<f32>::zeros((ids.len(), self.hidden));
        let mut row = 0;
        for &len in lens {
            for pos in 0..len {
                let id = ids[row] as usize;
                if id >= self.word.nrows() {
                    return Err(format!("token id {id} is outside the vocabulary"));
                }
                let mut out = x.row_mut(row);
                out.assign(&self.word.row(id));
                out += &self.position.row(pos);
                out += &self.token_type;
                row += 1;
            }
        }
        self.embed_norm.apply(&mut x);
        for layer in &self.layers {
            let qkv = layer.qkv.forward(x.view());
            let ctx = self.attention(&qkv, lens)?;
            let mut h = layer.attn_out.forward(ctx.view());
            h += &x;
            layer.attn_norm.apply(&mut h);
            let mut up = layer.up.forward(h.view());
            gelu_in_place(&mut up);
            let mut out = layer.down.forward(up.view());
            out += &h;
            layer.out_norm.apply(&mut out);
            x = out;
        }
        Ok(x)
    }

    /// Scaled dot-product attention of every head, within each sequence.
    fn attention(&self, qkv: &Array2<f32>, lens: &[usize]) -> Result<Array2<f32>, String> {
        self.attention_with(qkv, lens, GEMM_FROM)
    }

    /// [`Bert::attention`], with sequences of `gemm_from` tokens or more
    /// taken through matrix products (the rest element by element).
    fn attention_with(
        &self,
        qkv: &Array2<f32>,
        lens: &[usize],
        gemm_from: usize,
    ) -> Result<Array2<f32>, String> {
        let (h, d) = (self.hidden, self.hidden / self.heads);
        let scale = 1.0 / (d as f32).sqrt();
        let width = 3 * h;
        let owned;
        let flat = match qkv.as_slice() {
            Some(f) => f,
            None => {
                owned = qkv.as_standard_layout().into_owned().into_raw_vec_and_offset().0;
                &owned
            }
        };
        let mut ctx = Array2::<f32>::zeros((qkv.nrows(), h));
        let mut scores = Vec::new();
        let mut start = 0;
        for &len in lens {
            if len >= gemm_from {
                self.attend_long(qkv, &mut ctx, start, len, scale);
                start += len;
                continue;
            }
            let ctx = ctx.as_slice_mut().ok_or("the attention output is not contiguous")?;
            let row = |i: usize, col: usize| &flat[(start + i) * width + col..(start + i) * width + col + d];
            for head in 0..self.heads {
                let (q0, k0, v0) = (head * d, h + head * d, 2 * h + head * d);
                for i in 0..len {
                    let q = row(i, q0);
                    scores.clear();
                    scores.extend((0..len).map(|j| dot(q, row(j, k0)) * scale));
                    softmax(&mut scores);
                    let out = &mut ctx[(start + i) * h + q0..(start + i) * h + q0 + d];
                    for (j, weight) in scores.iter().enumerate() {
                        for (o, v) in out.iter_mut().zip(row(j, v0)) {
                            *o += weight * v;
                        }
                    }
                }
            }
            start += len;
        }
        Ok(ctx)
    }

    /// One long sequence's attention, head by head, as two matrix products
    /// (scores = Q·Kᵀ, then weights·V): its cost grows with the square of
    /// its length, and element by element that came to more than its
    /// dense layers.
    fn attend_long(&self, qkv: &Array2<f32>, ctx: &mut Array2<f32>, start: usize, len: usize, scale: f32) {
        let (h, d) = (self.hidden, self.hidden / self.heads);
        let rows = qkv.view().slice_axis_move(Axis(0), Slice::from(start..start + len));
        let cols = |c: usize| rows.slice_axis_move(Axis(1), Slice::from(c..c + d));
        let mut weights = Array2::<f32>::zeros((len, len));
        for head in 0..self.heads {
            let (q0, k0, v0) = (head * d, h + head * d, 2 * h + head * d);
            let (q, k, v) = (cols(q0), cols(k0), cols(v0));
            general_mat_mul(scale, &q, &k.t(), 0.0, &mut weights);
            for mut row in weights.rows_mut() {
                match row.as_slice_mut() {
                    Some(r) => softmax(r),
                    None => {
                        let mut r = row.to_vec();
                        softmax(&mut r);
                        row.assign(&ndarray::ArrayView1::from(&r[..]));
                    }
                }
            }
            let mut out = ctx
                .view_mut()
                .slice_axis_move(Axis(0), Slice::from(start..start + len))
                .slice_axis_move(Axis(1), Slice::from(q0..q0 + d));
            general_mat_mul(1.0, &weights, &v, 0.0, &mut out);
        }
    }
}

/// Sequences at least this long take attention through matrix products.
const GEMM_FROM: usize = 32;

/// Softmax in place.
fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut total = 0.0;
    for v in scores.iter_mut() {
        *v = (*v - max).exp();
        total += *v;
    }
    let inv = 1.0 / total;
    scores.iter_mut().for_each(|v| *v *= inv);
}

/// A dot product in eight independent lanes, which the compiler turns into
/// vector instructions (a single running sum cannot be reordered, so it
/// stays one addition at a time).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// GELU in its exact form, `x · Φ(x)`, over a whole activation matrix.
fn gelu_in_place(x: &mut Array2<f32>) {
    match x.as_slice_mut() {
        Some(flat) => flat.iter_mut().for_each(|v| *v = gelu(*v)),
        None => x.mapv_inplace(gelu),
    }
}

/// GELU in its exact form, `x · Φ(x)` = `x/2 · (1 + erf(x/√2))`.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf for f32: Eigen's rational approximation (see the module header).
/// Branch-free (clamps are min/max), so a loop over it vectorises; plain
/// multiply-adds, because `mul_add` is a library call on CPUs the build
/// does not assume FMA for.
fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10f32;
    for c in
        [2.770_681_4e-8, -2.101_024e-6, -5.692_506_4e-5, -7.349_906_3e-4, -2.954_600_1e-3, -1.609_603_3e-2]
    {
        p = p * x2 + c;
    }
    let mut q = -1.456_607_2e-5f32;
    for c in [-2.133_740_6e-4, -1.682_827e-3, -7.373_329_2e-3, -1.426_473_9e-2] {
        q = q * x2 + c;
    }
    (x * p / q).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_matches_known_values() {
        // Φ(1) = 0.841344746, Φ(-2) = 0.022750132 (standard normal table).
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-2.0) - -2.0 * 0.022_750_13).abs() < 1e-6);
        assert_eq!(gelu(0.0), 0.0);
    }

    #[test]
    fn fast_erf_stays_within_f32_precision_of_libm() {
        let mut worst = 0f32;
        for i in -60_000..=60_000 {
            let x = i as f32 * 1e-4;
            worst = worst.max((erf(x) - libm::erff(x)).abs());
        }
        assert!(worst < 5e-7, "largest difference from libm's erff: {worst}");
        assert!((erf(9.0) - 1.0).abs() < 1e-6 && (erf(-9.0) + 1.0).abs() < 1e-6);
    }

    #[test]
    fn long_sequences_attend_the_same_through_matrix_products() {
        // Two heads of width 4; one sequence past the cut-off, two short ones.
        let model = Bert {
            word: Array2::zeros((1, 8)),
            position: Array2::zeros((64, 8)),
            token_type: Array1::zeros(8),
            embed_norm: LayerNorm { gain: Array1::ones(8), bias: Array1::zeros(8), eps: 1e-12 },
            layers: Vec::new(),
            heads: 2,
            hidden: 8,
        };
        let lens = [3, 40, 5];
        let n: usize = lens.iter().sum();
        let qkv = Array2::from_shape_fn((n, 24), |(i, j)| ((i * 31 + j * 17) % 23) as f32 / 23.0 - 0.5);
        let by_elements = model.attention_with(&qkv, &lens, usize::MAX).unwrap();
        let by_products = model.attention_with(&qkv, &lens, 1).unwrap();
        let worst =
            by_elements.iter().zip(by_products.iter()).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(worst < 1e-5, "largest difference: {worst}");
        assert!(by_elements.iter().any(|v| v.abs() > 1e-3), "the output is not all zeros");
    }

    #[test]
    fn the_lane_dot_product_sums_every_element() {
        let a: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let b = vec![1f32; 37];
        assert_eq!(dot(&a, &b), (0..37).sum::<i32>() as f32);
    }
}
