//! Colours and score gradients, computed exactly as the MITRE ATT&CK Navigator computes them.
//!
//! The Navigator leans on two JavaScript libraries: tinycolor2 (parsing, hex output, WCAG
//! luminance and contrast, `mix`) and tinygradient 1.1.x (`tinygradient(colors).rgb(100)`).
//! This module reproduces their arithmetic in `f64`, with JavaScript `Math.round` semantics
//! (halves round towards +∞) wherever the JavaScript rounds, so that a score gets the very
//! same `#rrggbb` the Navigator paints.
//!
//! * [`Color`] parses everything tinycolor accepts from a layer file (hex in 3, 4, 6 or 8
//!   digits, `rgb()`/`rgba()`, `hsl()`/`hsla()`, `hsv()`/`hsva()`, the CSS colour names plus
//!   tinycolor's `burntsienna`, and `transparent`) and writes `#rrggbb` / `#rrggbbaa`.
//! * [`Gradient`] precomputes the 100 colours of a gradient and maps a score to one of them
//!   the way the Navigator's `Gradient.getHexColor` does (with the upstream index clamp).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of colours the Navigator asks tinygradient for (`gradient.rgb(100)`).
const STEPS: usize = 100;

/// An sRGB colour with an alpha channel, as tinycolor holds it once rounded for output.
///
/// `r`, `g` and `b` are the rounded channels tinycolor writes; `a` is the opacity in
/// `0.0..=1.0` (values outside that range, or NaN, are treated as opaque, as tinycolor's
/// `boundAlpha` does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    /// Red channel.
    pub r: u8,
    /// Green channel.
    pub g: u8,
    /// Blue channel.
    pub b: u8,
    /// Opacity, `0.0` (transparent) to `1.0` (opaque).
    pub a: f32,
}

/// A string that is not a colour tinycolor would accept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "`{input}` is not a colour: expected #rgb, #rrggbb, #rrggbbaa, rgb(), hsl() or a colour name"
)]
pub struct ColorError {
    input: String,
}

impl ColorError {
    /// The rejected text, exactly as it was given.
    #[must_use]
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl Color {
    /// Opaque white, `#ffffff`.
    pub const WHITE: Color = Color::opaque(255, 255, 255);
    /// Opaque black, `#000000`.
    pub const BLACK: Color = Color::opaque(0, 0, 0);

    const fn opaque(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 1.0 }
    }

    /// Parses what tinycolor accepts: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa` (with or
    /// without `#`), `rgb(r, g, b)`, `rgba(r, g, b, a)` (channels also as percentages),
    /// `hsl(h, s%, l%)`, `hsla(…)`, `hsv(…)`, `hsva(…)`, the CSS colour names (plus
    /// tinycolor's `burntsienna`) and `transparent`; case-insensitive, surrounding
    /// whitespace ignored.
    ///
    /// Numbers are bounded the way tinycolor bounds them: out-of-range channels are
    /// clamped, an alpha outside `0..=1` means opaque, and a percentage alpha is read as its
    /// bare number (`50%` is opaque). Unlike tinycolor's
    /// unanchored regular expressions, text before the function name or after its closing
    /// parenthesis is rejected.
    ///
    /// # Errors
    ///
    /// [`ColorError`], naming `text`, when it is none of the accepted forms.
    pub fn parse(text: &str) -> Result<Color, ColorError> {
        parse_color(text).ok_or_else(|| ColorError {
            input: text.to_owned(),
        })
    }

    /// `#rrggbb`, lower-case, alpha dropped (tinycolor `toHexString`).
    #[must_use]
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// `#rrggbbaa` with alpha `round(a × 255)` (tinycolor `toHex8String`), as the Navigator
    /// writes gradient colours.
    #[must_use]
    pub fn to_hex8(self) -> String {
        let alpha = to_channel(self.alpha() * 255.0);
        format!("{}{alpha:02x}", self.to_hex())
    }

    /// Relative luminance per WCAG 2.0 (tinycolor `getLuminance`), `0.0` (black) to `1.0`
    /// (white); alpha is ignored.
    #[must_use]
    pub fn luminance(self) -> f64 {
        fn linear(channel: u8) -> f64 {
            let srgb = f64::from(channel) / 255.0;
            if srgb <= 0.03928 {
                srgb / 12.92
            } else {
                ((srgb + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// WCAG 2.0 contrast ratio between two colours, `1.0..=21.0` (tinycolor `readability`).
    #[must_use]
    pub fn contrast(self, other: Color) -> f64 {
        let (l1, l2) = (self.luminance(), other.luminance());
        (l1.max(l2) + 0.05) / (l1.min(l2) + 0.05)
    }

    /// The candidate with the highest contrast against `self`, the first one on ties
    /// (tinycolor `mostReadable(self, candidates)` without `includeFallbackColors`).
    ///
    /// With no candidates at all (where tinycolor would return `null`) the choice is made
    /// between white and black, tinycolor's own fallback pair.
    #[must_use]
    pub fn most_readable(self, candidates: &[Color]) -> Color {
        if candidates.is_empty() {
            return self.most_readable(&[Color::WHITE, Color::BLACK]);
        }
        let mut best = None;
        let mut best_score = 0.0;
        for &candidate in candidates {
            let score = self.contrast(candidate);
            if score > best_score {
                best_score = score;
                best = Some(candidate);
            }
        }
        best.unwrap_or(Color::BLACK)
    }

    /// This colour drawn with its alpha over an opaque `background`: per channel
    /// `round(a·c + (1 − a)·bg)`, the result opaque.
    ///
    /// This is the Navigator's `emulate_alpha` (manual technique colours over `#ffffff`, or
    /// `#2e2e3f` in the dark theme), computed as tinycolor's `mix(background, opaque(self),
    /// a × 100)` does: `(c − bg)·p + bg` with `p = a·100/100`.
    #[must_use]
    pub fn over(self, background: Color) -> Color {
        let p = self.alpha() * 100.0 / 100.0;
        let mix = |c: u8, bg: u8| -> u8 {
            let (c, bg) = (f64::from(c), f64::from(bg));
            to_channel(tiny_channel((c - bg) * p + bg))
        };
        let bg_alpha = background.alpha();
        let alpha = bound_alpha((1.0 - bg_alpha) * p + bg_alpha);
        Color {
            r: mix(self.r, background.r),
            g: mix(self.g, background.g),
            b: mix(self.b, background.b),
            a: to_f32(alpha),
        }
    }

    /// The alpha channel as the `f64` the JavaScript would hold.
    ///
    /// `a` is stored as `f32`; widening it naively would turn `0.3` into
    /// `0.30000001192…` and move `.5` rounding boundaries. Alphas parsed from hex are
    /// `k/255` and are restored as such; any other alpha is read back from its shortest
    /// decimal form, which is what a layer file or a CSS string would have said.
    fn alpha(self) -> f64 {
        let a = self.a;
        if a.is_nan() || !(0.0..=1.0).contains(&a) {
            return 1.0;
        }
        let wide = f64::from(a);
        let scaled = wide * 255.0;
        let k = js_round(scaled);
        if (scaled - k).abs() < 1e-3 {
            return k / 255.0;
        }
        a.to_string().parse::<f64>().unwrap_or(wide)
    }
}

impl FromStr for Color {
    type Err = ColorError;

    fn from_str(text: &str) -> Result<Color, ColorError> {
        Color::parse(text)
    }
}

impl fmt::Display for Color {
    /// `#rrggbb` for an opaque colour, `#rrggbbaa` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.alpha() >= 1.0 {
            f.write_str(&self.to_hex())
        } else {
            f.write_str(&self.to_hex8())
        }
    }
}

impl Serialize for Color {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Color, D::Error> {
        let text = String::deserialize(deserializer)?;
        Color::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why a [`Gradient`] cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GradientError {
    /// Fewer than two colours.
    #[error("a gradient needs at least 2 colours, got {0}")]
    TooFewColors(usize),
    /// More colours than the 100 steps (tinygradient throws "Number of steps cannot be
    /// inferior to number of stops").
    #[error("a gradient takes at most 100 colours, one per step, got {0}")]
    TooManyColors(usize),
    /// The minimum or the maximum is NaN or infinite.
    #[error("gradient minimum {min} and maximum {max} must be finite numbers")]
    NonFiniteRange {
        /// The minimum given.
        min: f64,
        /// The maximum given.
        max: f64,
    },
    /// The minimum is not below the maximum.
    #[error("gradient minimum {min} must be below its maximum {max}")]
    EmptyRange {
        /// The minimum given.
        min: f64,
        /// The maximum given.
        max: f64,
    },
}

/// A score gradient: colour stops evenly spaced over `min..=max`, with the 100 colours
/// tinygradient interpolates between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient {
    colors: Vec<Color>,
    min: f64,
    max: f64,
    steps: Vec<Color>,
}

impl Gradient {
    /// A gradient through `colors` (at least 2, at most 100) over `min..=max`, `min < max`,
    /// both finite.
    ///
    /// # Errors
    ///
    /// [`GradientError`] saying which of these conditions fails.
    pub fn new(colors: Vec<Color>, min: f64, max: f64) -> Result<Gradient, GradientError> {
        if colors.len() < 2 {
            return Err(GradientError::TooFewColors(colors.len()));
        }
        if colors.len() > STEPS {
            return Err(GradientError::TooManyColors(colors.len()));
        }
        if !min.is_finite() || !max.is_finite() {
            return Err(GradientError::NonFiniteRange { min, max });
        }
        if min >= max {
            return Err(GradientError::EmptyRange { min, max });
        }
        Ok(Gradient::build(colors, min, max))
    }

    /// The Navigator's default gradient: `#ff6666`, `#ffe766`, `#8ec843` over `0..=100`.
    #[must_use]
    pub fn navigator_default() -> Gradient {
        let colors = vec![
            Color::opaque(0xff, 0x66, 0x66),
            Color::opaque(0xff, 0xe7, 0x66),
            Color::opaque(0x8e, 0xc8, 0x43),
        ];
        Gradient::build(colors, 0.0, 100.0)
    }

    /// The preset "transparentblue" (`#ffffff00` → `#66b1ff`) the Navigator gives
    /// layer-algebra results spanning exactly `0..1`, over the given range.
    ///
    /// The range is taken as given, unchecked, as the Navigator does; [`Gradient::color_of`]
    /// stays total even when `min >= max` (every score is then at or beyond an end).
    #[must_use]
    pub fn transparent_blue(min: f64, max: f64) -> Gradient {
        let colors = vec![
            Color {
                r: 0xff,
                g: 0xff,
                b: 0xff,
                a: 0.0,
            },
            Color::opaque(0x66, 0xb1, 0xff),
        ];
        Gradient::build(colors, min, max)
    }

    fn build(colors: Vec<Color>, min: f64, max: f64) -> Gradient {
        let steps = interpolate_steps(&colors);
        Gradient {
            colors,
            min,
            max,
            steps,
        }
    }

    /// The colour stops, in order.
    #[must_use]
    pub fn colors(&self) -> &[Color] {
        &self.colors
    }

    /// The score at (and below which) the first colour applies.
    #[must_use]
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The score at (and above which) the last colour applies.
    #[must_use]
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The 100 interpolated colours, `tinygradient(colors).rgb(100)`.
    #[must_use]
    pub fn steps(&self) -> &[Color] {
        &self.steps
    }

    /// The colour of a score, as the Navigator's `getHexColor`: `score >= max` → the last
    /// colour, `score <= min` → the first, otherwise
    /// `steps[round((score − min) / (max − min) × 100)]` with the index clamped to 99 (the
    /// upstream fix of PR #687; Navigator 5.1 throws there). NaN → `None`. A range so wide
    /// that `score − min` overflows (the Navigator throws) is computed with halved operands.
    ///
    /// Like `getHexColor`, which answers `toHexString()`, the result is opaque: a step's
    /// alpha is dropped.
    #[must_use]
    pub fn color_of(&self, score: f64) -> Option<Color> {
        if score.is_nan() {
            return None;
        }
        let color = if score >= self.max {
            self.steps.last()
        } else if score <= self.min {
            self.steps.first()
        } else {
            let mut ratio = (score - self.min) / (self.max - self.min);
            if !ratio.is_finite() {
                // Only a range near the f64 limits overflows (the Navigator then throws);
                // halving every operand keeps the same ratio without overflowing.
                ratio = (score / 2.0 - self.min / 2.0) / (self.max / 2.0 - self.min / 2.0);
            }
            let index = js_round(ratio * 100.0);
            if index.is_nan() {
                return None;
            }
            let last = self.steps.len().saturating_sub(1);
            self.steps.get(to_index(index).min(last))
        };
        color.map(|c| Color { a: 1.0, ..*c })
    }
}

// ---------------------------------------------------------------------------------------
// tinygradient

/// tinygradient's `computeSubsteps` for `stops` evenly spaced stops and 100 steps: how many
/// colours each segment contributes (the last stop is appended after them).
///
/// Each segment gets `max(1, round(99 · (pos[i+1] − pos[i])))` with `pos[i] = i / (n − 1)`
/// in `f64`; then, while the total (plus the final stop) is short of 100 the first
/// smallest segment grows by one, and while it is over the first largest shrinks by one.
fn substeps(stops: usize) -> Vec<usize> {
    let last = stops.saturating_sub(1);
    let positions: Vec<f64> = (0..stops).map(|i| to_f64(i) / to_f64(last)).collect();
    let span = to_f64(STEPS - 1);
    let mut substeps: Vec<usize> = positions
        .iter()
        .zip(positions.iter().skip(1))
        .map(|(from, to)| to_index(js_round(span * (to - from)).max(1.0)))
        .collect();

    let mut total = 1 + substeps.iter().sum::<usize>();
    while total != STEPS {
        if total < STEPS {
            let Some(smallest) = position_of(&substeps, substeps.iter().min()) else {
                break;
            };
            if let Some(segment) = substeps.get_mut(smallest) {
                *segment += 1;
            }
            total += 1;
        } else {
            let Some(largest) = position_of(&substeps, substeps.iter().max()) else {
                break;
            };
            if let Some(segment) = substeps.get_mut(largest) {
                *segment = segment.saturating_sub(1);
            }
            total -= 1;
        }
    }
    substeps
}

/// Index of the first element equal to `value` (JavaScript `indexOf`).
fn position_of(values: &[usize], value: Option<&usize>) -> Option<usize> {
    let value = *value?;
    values.iter().position(|&v| v == value)
}

/// `tinygradient(colors).rgb(100)`.
///
/// Each segment starts with its first stop as is, then `k − 1` colours
/// `start + i·(end − start)/k` (channels as `f64`, bounded and rounded once, the way
/// `tinycolor({r, g, b, a})` then `toHexString` do); the last stop closes the list.
fn interpolate_steps(colors: &[Color]) -> Vec<Color> {
    let mut steps = Vec::with_capacity(STEPS);
    for (&count, (&from, &to)) in substeps(colors.len())
        .iter()
        .zip(colors.iter().zip(colors.iter().skip(1)))
    {
        steps.push(from);
        let start = channels(from);
        let end = channels(to);
        let substep_count = to_f64(count);
        // tinygradient's `stepize`: (end − start) / steps, 0 for 0 steps.
        let delta: [f64; 4] = std::array::from_fn(|channel| {
            if count == 0 {
                0.0
            } else {
                (end[channel] - start[channel]) / substep_count
            }
        });
        for index in 1..count {
            let index = to_f64(index);
            let [red, green, blue, alpha] =
                std::array::from_fn(|channel| delta[channel] * index + start[channel]);
            steps.push(Color {
                r: to_channel(tiny_channel(wrap_channel(red))),
                g: to_channel(tiny_channel(wrap_channel(green))),
                b: to_channel(tiny_channel(wrap_channel(blue))),
                a: to_f32(bound_alpha(if alpha < 0.0 { alpha + 1.0 } else { alpha })),
            });
        }
    }
    if let Some(&last) = colors.last() {
        steps.push(last);
    }
    steps
}

/// A colour as tinycolor's `toRgb()`: rounded channels and the raw alpha.
fn channels(color: Color) -> [f64; 4] {
    [
        f64::from(color.r),
        f64::from(color.g),
        f64::from(color.b),
        color.alpha(),
    ]
}

/// tinygradient's `interpolate` for an RGB channel (maximum 256): negative values wrap up,
/// others are taken modulo 256.
fn wrap_channel(value: f64) -> f64 {
    if value < 0.0 {
        value + 256.0
    } else {
        value % 256.0
    }
}

// ---------------------------------------------------------------------------------------
// tinycolor number handling

/// JavaScript `Math.round`: halves round towards +∞ (`2.5 → 3`, `-2.5 → -2`); NaN and
/// infinities are returned unchanged.
fn js_round(x: f64) -> f64 {
    let floor = x.floor();
    if x - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

/// A channel value in `0..=255` (already bounded or not) to its rounded byte.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_channel(value: f64) -> u8 {
    if value.is_nan() {
        return 0;
    }
    // Clamped to 0..=255 and integral: the cast is exact.
    js_round(value).clamp(0.0, 255.0) as u8
}

/// A non-negative integral `f64` (a step count or an index, at most 100) to `usize`;
/// NaN and negatives give 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_index(value: f64) -> usize {
    if value.is_nan() || value <= 0.0 {
        return 0;
    }
    // Clamped to a small non-negative integer: the cast is exact.
    value.min(f64::from(u16::MAX)) as usize
}

/// A small count (at most 100 here) as `f64`.
fn to_f64(n: usize) -> f64 {
    u32::try_from(n).map_or(f64::from(u32::MAX), f64::from)
}

/// An alpha in `0.0..=1.0` stored as `f32`.
#[allow(clippy::cast_possible_truncation)]
fn to_f32(alpha: f64) -> f32 {
    // Adding 0.0 turns a -0.0 into 0.0.
    (alpha as f32) + 0.0
}

/// tinycolor's `bound01(n, max)`: bound a value to `0..=max` and scale it to `0..=1`.
/// Percentages (`n%`) are first taken as `trunc(n · max) / 100`, after the `0..=max`
/// clamp — tinycolor's order, so `200%` of 255 wraps to 0.
fn bound01(value: f64, percent: bool, max: f64) -> f64 {
    let mut n = value.max(0.0).min(max);
    if percent {
        n = (n * max).trunc() / 100.0;
    }
    if (n - max).abs() < 0.000_001 {
        return 1.0;
    }
    (n % max) / max
}

/// A numeric channel through `tinycolor({r, g, b})`: `bound01(v, 255) · 255`, clamped to
/// `0..=255`, rounded early if below 1 (tinycolor's constructor), left unrounded otherwise.
fn tiny_channel(value: f64) -> f64 {
    let v = (bound01(value, false, 255.0) * 255.0).clamp(0.0, 255.0);
    if v < 1.0 {
        js_round(v)
    } else {
        v
    }
}

/// tinycolor's `boundAlpha`: NaN or outside `0..=1` means opaque.
fn bound_alpha(a: f64) -> f64 {
    if a.is_nan() || !(0.0..=1.0).contains(&a) {
        1.0
    } else {
        a
    }
}

// ---------------------------------------------------------------------------------------
// Parsing

/// The whitespace of a JavaScript `\s` / `String.prototype.trim`.
fn is_js_space(c: char) -> bool {
    c != '\u{85}' && (c.is_whitespace() || c == '\u{feff}')
}

fn parse_color(text: &str) -> Option<Color> {
    let text = text.trim_matches(is_js_space).to_lowercase();
    if let Some([r, g, b]) = named_color(&text) {
        return Some(Color::opaque(r, g, b));
    }
    if text == "transparent" {
        return Some(Color {
            r: 0,
            g: 0,
            b: 0,
            a: 0.0,
        });
    }
    parse_function(&text).or_else(|| parse_hex(&text))
}

/// `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, the `#` optional.
fn parse_hex(text: &str) -> Option<Color> {
    let digits = text.strip_prefix('#').unwrap_or(text);
    let nibbles: Vec<u8> = digits
        .chars()
        .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
        .collect::<Option<_>>()?;
    let bytes: Vec<u8> = match nibbles.len() {
        3 | 4 => nibbles.iter().map(|n| n * 17).collect(),
        6 | 8 => nibbles
            .chunks(2)
            .map(|p| p.iter().fold(0, |acc, n| acc * 16 + n))
            .collect(),
        _ => return None,
    };
    match *bytes.as_slice() {
        [r, g, b] => Some(Color::opaque(r, g, b)),
        [r, g, b, a] => Some(Color {
            r,
            g,
            b,
            a: to_f32(f64::from(a) / 255.0),
        }),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Model {
    Rgb,
    Hsl,
    Hsv,
}

/// A CSS number as tinycolor's `CSS_UNIT` matches it: `[-+]?\d*\.\d+%?` or `[-+]?\d+%?`.
#[derive(Clone, Copy)]
struct Unit {
    /// `parseFloat` of the text (the `%` ignored).
    value: f64,
    /// Ends with `%`.
    percent: bool,
    /// Contains a `.`.
    dot: bool,
}

impl Unit {
    fn parse(token: &str) -> Option<Unit> {
        let (negative, unsigned) = match token.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, token.strip_prefix('+').unwrap_or(token)),
        };
        let (number, percent) = match unsigned.strip_suffix('%') {
            Some(rest) => (rest, true),
            None => (unsigned, false),
        };
        let (int, frac) = match number.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (number, None),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let valid = all_digits(int)
            && match frac {
                Some(frac) => !frac.is_empty() && all_digits(frac),
                None => !int.is_empty(),
            };
        if !valid {
            return None;
        }
        let magnitude = format!("0{int}.{}0", frac.unwrap_or(""))
            .parse::<f64>()
            .ok()?;
        Some(Unit {
            value: if negative { -magnitude } else { magnitude },
            percent,
            dot: frac.is_some(),
        })
    }

    /// tinycolor's `bound01`, including its `isOnePointZero` rule: a string such as `1.0`
    /// means 100 %.
    #[allow(clippy::float_cmp)] // JavaScript's `parseFloat(n) === 1`: exact on purpose.
    fn bound01(self, max: f64) -> f64 {
        if self.dot && self.value == 1.0 {
            bound01(100.0, true, max)
        } else {
            bound01(self.value, self.percent, max)
        }
    }

    /// tinycolor's `convertToPercentage` for saturation, lightness and value: a plain
    /// number up to 1 is a ratio (`0.5` → `50%`).
    fn ratio_to_percentage(self) -> Unit {
        if !self.percent && self.value <= 1.0 {
            Unit {
                value: self.value * 100.0,
                percent: true,
                dot: false,
            }
        } else {
            self
        }
    }
}

/// `rgb(…)`, `rgba(…)`, `hsl(…)`, `hsla(…)`, `hsv(…)`, `hsva(…)` with tinycolor's
/// permissive punctuation: the name, one or more of whitespace, `|` or `(`, the numbers
/// separated by one or more of whitespace, `,` or `|`, then optional whitespace and `)`.
fn parse_function(text: &str) -> Option<Color> {
    const FUNCTIONS: [(&str, Model, bool); 6] = [
        ("rgba", Model::Rgb, true),
        ("rgb", Model::Rgb, false),
        ("hsla", Model::Hsl, true),
        ("hsl", Model::Hsl, false),
        ("hsva", Model::Hsv, true),
        ("hsv", Model::Hsv, false),
    ];
    FUNCTIONS.iter().find_map(|&(name, model, with_alpha)| {
        let arguments = text.strip_prefix(name)?;
        let units = parse_arguments(arguments, if with_alpha { 4 } else { 3 })?;
        build_color(model, &units)
    })
}

fn parse_arguments(text: &str, count: usize) -> Option<Vec<Unit>> {
    let is_number_char = |c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | '%');
    let opening = text.trim_start_matches(|c: char| is_js_space(c) || c == '|' || c == '(');
    if opening.len() == text.len() {
        return None;
    }
    let mut rest = opening;
    let mut units = Vec::with_capacity(count);
    for index in 0..count {
        if index > 0 {
            let after = rest.trim_start_matches(|c: char| is_js_space(c) || c == ',' || c == '|');
            if after.len() == rest.len() {
                return None;
            }
            rest = after;
        }
        let end = rest
            .find(|c: char| !is_number_char(c))
            .unwrap_or(rest.len());
        let (token, after) = rest.split_at_checked(end)?;
        units.push(Unit::parse(token)?);
        rest = after;
    }
    let rest = rest.trim_start_matches(is_js_space);
    let rest = rest.strip_prefix(')').unwrap_or(rest);
    rest.is_empty().then_some(units)
}

fn build_color(model: Model, units: &[Unit]) -> Option<Color> {
    let (first, second, third, alpha) = match *units {
        [first, second, third] => (first, second, third, None),
        [first, second, third, alpha] => (first, second, third, Some(alpha)),
        _ => return None,
    };
    let rgb = match model {
        Model::Rgb => [first, second, third].map(|unit| unit.bound01(255.0) * 255.0),
        Model::Hsl => hsl_to_rgb(
            first.bound01(360.0),
            second.ratio_to_percentage().bound01(100.0),
            third.ratio_to_percentage().bound01(100.0),
        ),
        Model::Hsv => hsv_to_rgb(
            first.bound01(360.0) * 6.0,
            second.ratio_to_percentage().bound01(100.0),
            third.ratio_to_percentage().bound01(100.0),
        ),
    };
    // inputToRGB clamps to 0..=255; toHexString rounds.
    let [r, g, b] = rgb.map(|channel| to_channel(channel.clamp(0.0, 255.0)));
    let alpha = alpha.map_or(1.0, |alpha| bound_alpha(alpha.value));
    Some(Color {
        r,
        g,
        b,
        a: to_f32(alpha),
    })
}

/// tinycolor's `hslToRgb` on bounded hue, saturation and lightness in `0..=1`; channels
/// in `0..=255`.
fn hsl_to_rgb(hue: f64, saturation: f64, lightness: f64) -> [f64; 3] {
    fn hue_to_rgb(low: f64, high: f64, hue: f64) -> f64 {
        let mut hue = hue;
        if hue < 0.0 {
            hue += 1.0;
        }
        if hue > 1.0 {
            hue -= 1.0;
        }
        if hue < 1.0 / 6.0 {
            low + (high - low) * 6.0 * hue
        } else if hue < 1.0 / 2.0 {
            high
        } else if hue < 2.0 / 3.0 {
            low + (high - low) * (2.0 / 3.0 - hue) * 6.0
        } else {
            low
        }
    }
    let rgb = if saturation == 0.0 {
        [lightness; 3]
    } else {
        let high = if lightness < 0.5 {
            lightness * (1.0 + saturation)
        } else {
            lightness + saturation - lightness * saturation
        };
        let low = 2.0 * lightness - high;
        [
            hue_to_rgb(low, high, hue + 1.0 / 3.0),
            hue_to_rgb(low, high, hue),
            hue_to_rgb(low, high, hue - 1.0 / 3.0),
        ]
    };
    rgb.map(|channel| channel * 255.0)
}

/// tinycolor's `hsvToRgb` on a hue sextant in `0..=6` and bounded saturation and value;
/// channels in `0..=255`.
fn hsv_to_rgb(sextant: f64, saturation: f64, value: f64) -> [f64; 3] {
    let whole = sextant.floor();
    let fraction = sextant - whole;
    let low = value * (1.0 - saturation);
    let falling = value * (1.0 - fraction * saturation);
    let rising = value * (1.0 - (1.0 - fraction) * saturation);
    let rgb = match to_index(whole) % 6 {
        0 => [value, rising, low],
        1 => [falling, value, low],
        2 => [low, value, rising],
        3 => [low, falling, value],
        4 => [rising, low, value],
        _ => [value, low, falling],
    };
    rgb.map(|channel| channel * 255.0)
}

/// A colour name (lower-case) to its `[r, g, b]`.
fn named_color(name: &str) -> Option<[u8; 3]> {
    NAMED_COLORS
        .binary_search_by(|(candidate, _)| candidate.cmp(&name))
        .ok()
        .and_then(|index| NAMED_COLORS.get(index))
        .map(|&(_, rgb)| rgb)
}

/// The CSS Color 4 named colours, plus tinycolor's `burntsienna`; sorted by name.
const NAMED_COLORS: [(&str, [u8; 3]); 149] = [
    ("aliceblue", [0xf0, 0xf8, 0xff]),
    ("antiquewhite", [0xfa, 0xeb, 0xd7]),
    ("aqua", [0x00, 0xff, 0xff]),
    ("aquamarine", [0x7f, 0xff, 0xd4]),
    ("azure", [0xf0, 0xff, 0xff]),
    ("beige", [0xf5, 0xf5, 0xdc]),
    ("bisque", [0xff, 0xe4, 0xc4]),
    ("black", [0x00, 0x00, 0x00]),
    ("blanchedalmond", [0xff, 0xeb, 0xcd]),
    ("blue", [0x00, 0x00, 0xff]),
    ("blueviolet", [0x8a, 0x2b, 0xe2]),
    ("brown", [0xa5, 0x2a, 0x2a]),
    ("burlywood", [0xde, 0xb8, 0x87]),
    ("burntsienna", [0xea, 0x7e, 0x5d]),
    ("cadetblue", [0x5f, 0x9e, 0xa0]),
    ("chartreuse", [0x7f, 0xff, 0x00]),
    ("chocolate", [0xd2, 0x69, 0x1e]),
    ("coral", [0xff, 0x7f, 0x50]),
    ("cornflowerblue", [0x64, 0x95, 0xed]),
    ("cornsilk", [0xff, 0xf8, 0xdc]),
    ("crimson", [0xdc, 0x14, 0x3c]),
    ("cyan", [0x00, 0xff, 0xff]),
    ("darkblue", [0x00, 0x00, 0x8b]),
    ("darkcyan", [0x00, 0x8b, 0x8b]),
    ("darkgoldenrod", [0xb8, 0x86, 0x0b]),
    ("darkgray", [0xa9, 0xa9, 0xa9]),
    ("darkgreen", [0x00, 0x64, 0x00]),
    ("darkgrey", [0xa9, 0xa9, 0xa9]),
    ("darkkhaki", [0xbd, 0xb7, 0x6b]),
    ("darkmagenta", [0x8b, 0x00, 0x8b]),
    ("darkolivegreen", [0x55, 0x6b, 0x2f]),
    ("darkorange", [0xff, 0x8c, 0x00]),
    ("darkorchid", [0x99, 0x32, 0xcc]),
    ("darkred", [0x8b, 0x00, 0x00]),
    ("darksalmon", [0xe9, 0x96, 0x7a]),
    ("darkseagreen", [0x8f, 0xbc, 0x8f]),
    ("darkslateblue", [0x48, 0x3d, 0x8b]),
    ("darkslategray", [0x2f, 0x4f, 0x4f]),
    ("darkslategrey", [0x2f, 0x4f, 0x4f]),
    ("darkturquoise", [0x00, 0xce, 0xd1]),
    ("darkviolet", [0x94, 0x00, 0xd3]),
    ("deeppink", [0xff, 0x14, 0x93]),
    ("deepskyblue", [0x00, 0xbf, 0xff]),
    ("dimgray", [0x69, 0x69, 0x69]),
    ("dimgrey", [0x69, 0x69, 0x69]),
    ("dodgerblue", [0x1e, 0x90, 0xff]),
    ("firebrick", [0xb2, 0x22, 0x22]),
    ("floralwhite", [0xff, 0xfa, 0xf0]),
    ("forestgreen", [0x22, 0x8b, 0x22]),
    ("fuchsia", [0xff, 0x00, 0xff]),
    ("gainsboro", [0xdc, 0xdc, 0xdc]),
    ("ghostwhite", [0xf8, 0xf8, 0xff]),
    ("gold", [0xff, 0xd7, 0x00]),
    ("goldenrod", [0xda, 0xa5, 0x20]),
    ("gray", [0x80, 0x80, 0x80]),
    ("green", [0x00, 0x80, 0x00]),
    ("greenyellow", [0xad, 0xff, 0x2f]),
    ("grey", [0x80, 0x80, 0x80]),
    ("honeydew", [0xf0, 0xff, 0xf0]),
    ("hotpink", [0xff, 0x69, 0xb4]),
    ("indianred", [0xcd, 0x5c, 0x5c]),
    ("indigo", [0x4b, 0x00, 0x82]),
    ("ivory", [0xff, 0xff, 0xf0]),
    ("khaki", [0xf0, 0xe6, 0x8c]),
    ("lavender", [0xe6, 0xe6, 0xfa]),
    ("lavenderblush", [0xff, 0xf0, 0xf5]),
    ("lawngreen", [0x7c, 0xfc, 0x00]),
    ("lemonchiffon", [0xff, 0xfa, 0xcd]),
    ("lightblue", [0xad, 0xd8, 0xe6]),
    ("lightcoral", [0xf0, 0x80, 0x80]),
    ("lightcyan", [0xe0, 0xff, 0xff]),
    ("lightgoldenrodyellow", [0xfa, 0xfa, 0xd2]),
    ("lightgray", [0xd3, 0xd3, 0xd3]),
    ("lightgreen", [0x90, 0xee, 0x90]),
    ("lightgrey", [0xd3, 0xd3, 0xd3]),
    ("lightpink", [0xff, 0xb6, 0xc1]),
    ("lightsalmon", [0xff, 0xa0, 0x7a]),
    ("lightseagreen", [0x20, 0xb2, 0xaa]),
    ("lightskyblue", [0x87, 0xce, 0xfa]),
    ("lightslategray", [0x77, 0x88, 0x99]),
    ("lightslategrey", [0x77, 0x88, 0x99]),
    ("lightsteelblue", [0xb0, 0xc4, 0xde]),
    ("lightyellow", [0xff, 0xff, 0xe0]),
    ("lime", [0x00, 0xff, 0x00]),
    ("limegreen", [0x32, 0xcd, 0x32]),
    ("linen", [0xfa, 0xf0, 0xe6]),
    ("magenta", [0xff, 0x00, 0xff]),
    ("maroon", [0x80, 0x00, 0x00]),
    ("mediumaquamarine", [0x66, 0xcd, 0xaa]),
    ("mediumblue", [0x00, 0x00, 0xcd]),
    ("mediumorchid", [0xba, 0x55, 0xd3]),
    ("mediumpurple", [0x93, 0x70, 0xdb]),
    ("mediumseagreen", [0x3c, 0xb3, 0x71]),
    ("mediumslateblue", [0x7b, 0x68, 0xee]),
    ("mediumspringgreen", [0x00, 0xfa, 0x9a]),
    ("mediumturquoise", [0x48, 0xd1, 0xcc]),
    ("mediumvioletred", [0xc7, 0x15, 0x85]),
    ("midnightblue", [0x19, 0x19, 0x70]),
    ("mintcream", [0xf5, 0xff, 0xfa]),
    ("mistyrose", [0xff, 0xe4, 0xe1]),
    ("moccasin", [0xff, 0xe4, 0xb5]),
    ("navajowhite", [0xff, 0xde, 0xad]),
    ("navy", [0x00, 0x00, 0x80]),
    ("oldlace", [0xfd, 0xf5, 0xe6]),
    ("olive", [0x80, 0x80, 0x00]),
    ("olivedrab", [0x6b, 0x8e, 0x23]),
    ("orange", [0xff, 0xa5, 0x00]),
    ("orangered", [0xff, 0x45, 0x00]),
    ("orchid", [0xda, 0x70, 0xd6]),
    ("palegoldenrod", [0xee, 0xe8, 0xaa]),
    ("palegreen", [0x98, 0xfb, 0x98]),
    ("paleturquoise", [0xaf, 0xee, 0xee]),
    ("palevioletred", [0xdb, 0x70, 0x93]),
    ("papayawhip", [0xff, 0xef, 0xd5]),
    ("peachpuff", [0xff, 0xda, 0xb9]),
    ("peru", [0xcd, 0x85, 0x3f]),
    ("pink", [0xff, 0xc0, 0xcb]),
    ("plum", [0xdd, 0xa0, 0xdd]),
    ("powderblue", [0xb0, 0xe0, 0xe6]),
    ("purple", [0x80, 0x00, 0x80]),
    ("rebeccapurple", [0x66, 0x33, 0x99]),
    ("red", [0xff, 0x00, 0x00]),
    ("rosybrown", [0xbc, 0x8f, 0x8f]),
    ("royalblue", [0x41, 0x69, 0xe1]),
    ("saddlebrown", [0x8b, 0x45, 0x13]),
    ("salmon", [0xfa, 0x80, 0x72]),
    ("sandybrown", [0xf4, 0xa4, 0x60]),
    ("seagreen", [0x2e, 0x8b, 0x57]),
    ("seashell", [0xff, 0xf5, 0xee]),
    ("sienna", [0xa0, 0x52, 0x2d]),
    ("silver", [0xc0, 0xc0, 0xc0]),
    ("skyblue", [0x87, 0xce, 0xeb]),
    ("slateblue", [0x6a, 0x5a, 0xcd]),
    ("slategray", [0x70, 0x80, 0x90]),
    ("slategrey", [0x70, 0x80, 0x90]),
    ("snow", [0xff, 0xfa, 0xfa]),
    ("springgreen", [0x00, 0xff, 0x7f]),
    ("steelblue", [0x46, 0x82, 0xb4]),
    ("tan", [0xd2, 0xb4, 0x8c]),
    ("teal", [0x00, 0x80, 0x80]),
    ("thistle", [0xd8, 0xbf, 0xd8]),
    ("tomato", [0xff, 0x63, 0x47]),
    ("turquoise", [0x40, 0xe0, 0xd0]),
    ("violet", [0xee, 0x82, 0xee]),
    ("wheat", [0xf5, 0xde, 0xb3]),
    ("white", [0xff, 0xff, 0xff]),
    ("whitesmoke", [0xf5, 0xf5, 0xf5]),
    ("yellow", [0xff, 0xff, 0x00]),
    ("yellowgreen", [0x9a, 0xcd, 0x32]),
];

#[cfg(test)]
#[allow(clippy::float_cmp)] // The values must be bit-identical to the JavaScript's.
mod tests {
    use super::*;

    fn hex(text: &str) -> Color {
        Color::parse(text).unwrap()
    }

    fn score_hex(gradient: &Gradient, score: f64) -> String {
        gradient.color_of(score).unwrap().to_hex()
    }

    // ---- JavaScript rounding -----------------------------------------------------------

    #[test]
    fn js_round_rounds_halves_up() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert_eq!(js_round(2.4999), 2.0);
        assert_eq!(js_round(-0.4), 0.0);
        assert_eq!(js_round(0.499_999_999_999_999_94), 0.0);
        assert!(js_round(f64::NAN).is_nan());
        assert_eq!(js_round(f64::INFINITY), f64::INFINITY);
    }

    // ---- Substeps (tinygradient computeSubsteps) ---------------------------------------

    #[test]
    fn substeps_three_colours_cut_the_first_largest() {
        // pos 0, 0.5, 1: 99·0.5 = 49.5 → Math.round 50, twice; 1 + 50 + 50 = 101 > 100
        // → the first maximum (segment 0) loses one: [49, 50].
        assert_eq!(substeps(3), vec![49, 50]);
    }

    #[test]
    fn substeps_two_colours() {
        // 99·(1 − 0) = 99; 1 + 99 = 100, no adjustment.
        assert_eq!(substeps(2), vec![99]);
    }

    #[test]
    fn substeps_four_colours_split_evenly() {
        // pos 0, 1/3, 2/3, 1: 99·(1/3) = 33.0, 99·(2/3 − 1/3) = 33.0,
        // 99·(1 − 2/3) = 33.00000000000001 → 33 each; 1 + 99 = 100, no adjustment.
        assert_eq!(substeps(4), vec![33, 33, 33]);
    }

    #[test]
    fn substeps_seven_colours_need_the_adjustment() {
        // pos = i/6 in f64. 99·Δpos is NOT 16.5 for every segment:
        //   99·(1/6 − 0)   = 16.5               → 17
        //   99·(2/6 − 1/6) = 16.5               → 17
        //   99·(3/6 − 2/6) = 16.500000000000004 → 17
        //   99·(4/6 − 3/6) = 16.499999999999996 → 16
        //   99·(5/6 − 4/6) = 16.500000000000007 → 17
        //   99·(1 − 5/6)   = 16.499999999999996 → 16
        // 1 + (17+17+17+16+17+16 = 100) = 101 > 100 → decrement the first maximum once
        // (segment 0): [16, 17, 17, 16, 17, 16], sum 99, total 100.
        let raw = [1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0, 4.0 / 6.0, 5.0 / 6.0, 1.0];
        assert!(99.0 * (raw[3] - raw[2]) < 16.5);
        assert!(99.0 * (raw[5] - raw[4]) < 16.5);
        let split = substeps(7);
        assert_eq!(split, vec![16, 17, 17, 16, 17, 16]);
        assert_eq!(split.iter().sum::<usize>(), 99);
    }

    #[test]
    fn substeps_with_many_stops_grow_the_first_smallest() {
        // 100 stops: 99 segments of round(99·(1/99)) = 1 → 1 + 99 = 100, no adjustment.
        assert_eq!(substeps(100), vec![1; 99]);
        // 51 stops: 99/50 = 1.98 → 2 each (tiny f64 noise doesn't reach .5); 1 + 100 = 101
        // → the first maximum, segment 0, drops to 1.
        let split = substeps(51);
        assert_eq!(split.first(), Some(&1));
        assert_eq!(split.iter().sum::<usize>(), 99);
    }

    #[test]
    fn every_colour_count_gives_100_steps() {
        for count in 2..=100 {
            let colors = vec![Color::BLACK; count];
            let gradient = Gradient::new(colors, 0.0, 1.0).unwrap();
            assert_eq!(gradient.steps().len(), 100, "{count} colours");
            assert_eq!(substeps(count).iter().sum::<usize>(), 99);
        }
    }

    // ---- Default gradient -------------------------------------------------------------

    // #ff6666 = (255,102,102), #ffe766 = (255,231,102), #8ec843 = (142,200,67).
    // Segments [49, 50]: steps[j] = A + j·(B − A)/49 for j in 0..49 (only g moves: +129/49
    // per step), steps[49 + j] = B + j·(C − B)/50 for j in 0..50 (Δ = (−113, −31, −35)/50),
    // steps[99] = C.

    #[test]
    fn default_gradient_steps() {
        let gradient = Gradient::navigator_default();
        assert_eq!(gradient.min(), 0.0);
        assert_eq!(gradient.max(), 100.0);
        assert_eq!(
            gradient.colors(),
            &[hex("#ff6666"), hex("#ffe766"), hex("#8ec843")]
        );
        let steps = gradient.steps();
        assert_eq!(steps.len(), 100);
        assert_eq!(steps[0].to_hex(), "#ff6666");
        // steps[49] is the middle stop itself.
        assert_eq!(steps[49].to_hex(), "#ffe766");
        // steps[48] = g 102 + 48·129/49 = 102 + 126.367 = 228.367 → 228 = e4.
        assert_eq!(steps[48].to_hex(), "#ffe466");
        // steps[98] = B + 49·Δ: r 255 − 110.74 = 144.26 → 144 = 90,
        // g 231 − 30.38 = 200.62 → 201 = c9, b 102 − 34.3 = 67.7 → 68 = 44.
        assert_eq!(steps[98].to_hex(), "#90c944");
        assert_eq!(steps[99].to_hex(), "#8ec843");
    }

    #[test]
    fn default_gradient_golden_scores() {
        let gradient = Gradient::navigator_default();
        // score ≤ min → first colour.
        assert_eq!(score_hex(&gradient, 0.0), "#ff6666");
        assert_eq!(score_hex(&gradient, -5.0), "#ff6666");
        // score ≥ max → last colour.
        assert_eq!(score_hex(&gradient, 100.0), "#8ec843");
        assert_eq!(score_hex(&gradient, 250.0), "#8ec843");
        // 50 → index 50 = B + 1·Δ: r 255 − 2.26 = 252.74 → 253 = fd,
        // g 231 − 0.62 = 230.38 → 230 = e6, b 102 − 0.7 = 101.3 → 101 = 65.
        assert_eq!(score_hex(&gradient, 50.0), "#fde665");
        // 25 → index 25: g 102 + 25·129/49 = 102 + 65.816 = 167.816 → 168 = a8.
        assert_eq!(score_hex(&gradient, 25.0), "#ffa866");
        // 75 → index 75 = B + 26·Δ: r 255 − 58.76 = 196.24 → 196 = c4,
        // g 231 − 16.12 = 214.88 → 215 = d7, b 102 − 18.2 = 83.8 → 84 = 54.
        assert_eq!(score_hex(&gradient, 75.0), "#c4d754");
        // 99.4 → 99.4 → Math.round 99 → steps[99] = C.
        assert_eq!(score_hex(&gradient, 99.4), "#8ec843");
        // 99.6 → 99.6 → Math.round 100 → out of 0..=99: clamped to 99 (PR #687) = C.
        assert_eq!(score_hex(&gradient, 99.6), "#8ec843");
        // 1 → index 1: g 102 + 129/49 = 104.633 → 105 = 69.
        assert_eq!(score_hex(&gradient, 1.0), "#ff6966");
        // 33 → 0.33·100 = 33.00000000000001 → 33: g 102 + 33·129/49 = 102 + 86.878
        // = 188.878 → 189 = bd.
        assert_eq!(score_hex(&gradient, 33.0), "#ffbd66");
        // NaN has no colour.
        assert_eq!(gradient.color_of(f64::NAN), None);
    }

    #[test]
    fn black_to_white_midpoint() {
        // 0..10, score 5 → index 5/10·100 = 50; one segment of 99 substeps:
        // 50·255/99 = 128.79 → 129 = 0x81.
        let gradient = Gradient::new(vec![Color::BLACK, Color::WHITE], 0.0, 10.0).unwrap();
        assert_eq!(score_hex(&gradient, 5.0), "#818181");
        // Index 99 (score 9.9) is the last stop; 98 is 98·255/99 = 252.42 → 252 = fc.
        assert_eq!(score_hex(&gradient, 9.9), "#ffffff");
        assert_eq!(score_hex(&gradient, 9.8), "#fcfcfc");
    }

    #[test]
    fn seven_colour_gradient_places_its_colors_by_the_adjusted_split() {
        // Split [16, 17, 17, 16, 17, 16]: colour i sits at steps[16], [33], [50], [66], [83].
        let colors: Vec<Color> = ["#000", "#f00", "#0f0", "#00f", "#ff0", "#0ff", "#fff"]
            .iter()
            .map(|text| hex(text))
            .collect();
        let gradient = Gradient::new(colors.clone(), 0.0, 99.0).unwrap();
        let steps = gradient.steps();
        for (index, color) in [0, 16, 33, 50, 66, 83].iter().zip(&colors) {
            assert_eq!(steps[*index], *color, "steps[{index}]");
        }
        assert_eq!(steps[99], colors[6]);
        // steps[1] = 255/16 = 15.94 → 16 = 0x10.
        assert_eq!(steps[1].to_hex(), "#100000");
    }

    #[test]
    fn transparent_blue_preset() {
        let gradient = Gradient::transparent_blue(0.0, 1.0);
        assert_eq!(gradient.colors()[0].to_hex8(), "#ffffff00");
        assert_eq!(gradient.steps()[0].a, 0.0);
        // getHexColor drops alpha: 0 → #ffffff, opaque.
        assert_eq!(gradient.color_of(0.0), Some(Color::WHITE));
        assert_eq!(score_hex(&gradient, 1.0), "#66b1ff");
        // 0.5 → index 50 of one 99-substep segment: r 255 − 50·153/99 = 177.73 → 178 = b2,
        // g 255 − 50·78/99 = 215.61 → 216 = d8, b 255; a 50/99 = 0.505 → ·255 = 128.79
        // → 129 = 0x81.
        assert_eq!(score_hex(&gradient, 0.5), "#b2d8ff");
        assert_eq!(gradient.steps()[50].to_hex8(), "#b2d8ff81");
        assert_eq!(gradient.color_of(0.5).map(|c| c.a), Some(1.0));
    }

    #[test]
    fn color_of_is_total() {
        let gradient = Gradient::navigator_default();
        for score in [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            1e-300,
            99.999,
        ] {
            assert!(gradient.color_of(score).is_some(), "{score}");
        }
        // An unchecked, inverted range never indexes.
        let inverted = Gradient::transparent_blue(1.0, 0.0);
        assert_eq!(
            inverted.color_of(0.5).map(Color::to_hex),
            Some("#66b1ff".into())
        );
        let wide = Gradient::new(vec![Color::BLACK, Color::WHITE], -f64::MAX, f64::MAX).unwrap();
        assert!(wide.color_of(f64::MAX / 2.0).is_some());
    }

    #[test]
    fn gradient_errors() {
        assert_eq!(
            Gradient::new(vec![Color::BLACK], 0.0, 1.0),
            Err(GradientError::TooFewColors(1))
        );
        assert_eq!(
            Gradient::new(vec![], 0.0, 1.0).unwrap_err().to_string(),
            "a gradient needs at least 2 colours, got 0"
        );
        assert_eq!(
            Gradient::new(vec![Color::BLACK; 101], 0.0, 1.0)
                .unwrap_err()
                .to_string(),
            "a gradient takes at most 100 colours, one per step, got 101"
        );
        let two = || vec![Color::BLACK, Color::WHITE];
        assert_eq!(
            Gradient::new(two(), 5.0, 5.0).unwrap_err().to_string(),
            "gradient minimum 5 must be below its maximum 5"
        );
        assert_eq!(
            Gradient::new(two(), 10.0, 0.0),
            Err(GradientError::EmptyRange {
                min: 10.0,
                max: 0.0
            })
        );
        assert_eq!(
            Gradient::new(two(), f64::NAN, 1.0).unwrap_err().to_string(),
            "gradient minimum NaN and maximum 1 must be finite numbers"
        );
        assert!(matches!(
            Gradient::new(two(), 0.0, f64::INFINITY),
            Err(GradientError::NonFiniteRange { .. })
        ));
    }

    // ---- Parsing ----------------------------------------------------------------------

    fn rgba(r: u8, g: u8, b: u8, a: f32) -> Color {
        Color { r, g, b, a }
    }

    #[test]
    fn parses_hex_forms() {
        assert_eq!(hex("#abc"), rgba(0xaa, 0xbb, 0xcc, 1.0));
        assert_eq!(hex("abc"), rgba(0xaa, 0xbb, 0xcc, 1.0));
        // #rgba: alpha 0x88 = 136 → 136/255.
        assert_eq!(hex("#abc8"), rgba(0xaa, 0xbb, 0xcc, to_f32(136.0 / 255.0)));
        assert_eq!(hex("#A1B2C3"), rgba(0xa1, 0xb2, 0xc3, 1.0));
        assert_eq!(hex("a1b2c3"), rgba(0xa1, 0xb2, 0xc3, 1.0));
        assert_eq!(
            hex("#66b1ff80"),
            rgba(0x66, 0xb1, 0xff, to_f32(128.0 / 255.0))
        );
        assert_eq!(hex("66B1FF00"), rgba(0x66, 0xb1, 0xff, 0.0));
        assert_eq!(hex("  #ff6666\n"), rgba(255, 102, 102, 1.0));
    }

    #[test]
    fn parses_names() {
        assert_eq!(hex("red"), rgba(255, 0, 0, 1.0));
        assert_eq!(hex("  White "), Color::WHITE);
        assert_eq!(hex("REBECCAPURPLE"), rgba(0x66, 0x33, 0x99, 1.0));
        assert_eq!(hex("burntsienna"), rgba(0xea, 0x7e, 0x5d, 1.0));
        // CSS, not X11, values.
        assert_eq!(hex("green").to_hex(), "#008000");
        assert_eq!(hex("grey").to_hex(), "#808080");
        assert_eq!(hex("Transparent"), rgba(0, 0, 0, 0.0));
        assert_eq!(NAMED_COLORS.len(), 149);
        assert!(NAMED_COLORS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (name, [r, g, b]) in NAMED_COLORS {
            assert_eq!(hex(&name.to_uppercase()), rgba(r, g, b, 1.0), "{name}");
        }
    }

    #[test]
    fn parses_rgb_forms() {
        assert_eq!(hex("rgb(255, 0, 0)"), rgba(255, 0, 0, 1.0));
        assert_eq!(hex("RGB(1,2,3)"), rgba(1, 2, 3, 1.0));
        // tinycolor's permissive punctuation: no parentheses, spaces for commas.
        assert_eq!(hex("rgb 10 20 30"), rgba(10, 20, 30, 1.0));
        assert_eq!(hex("rgb(10 20 30"), rgba(10, 20, 30, 1.0));
        assert_eq!(hex("rgba(255, 0, 0, 0.5)"), rgba(255, 0, 0, 0.5));
        assert_eq!(hex("rgba(0,0,0,.25)"), rgba(0, 0, 0, 0.25));
        // 50% of 255: trunc(50·255)/100 = 127.5 → Math.round 128 = 0x80.
        assert_eq!(hex("rgb(100%, 50%, 0%)"), rgba(255, 128, 0, 1.0));
        assert_eq!(hex("rgba(100%, 0%, 0%, 0.25)"), rgba(255, 0, 0, 0.25));
        // Out-of-range channels clamp; a fractional channel rounds: 12.5 → 13.
        assert_eq!(hex("rgb(300, -5, 12.5)"), rgba(255, 0, 13, 1.0));
        // An alpha out of 0..=1 (including a percentage, parsed as its number) is opaque.
        assert_eq!(hex("rgba(1, 2, 3, 50%)").a, 1.0);
        assert_eq!(hex("rgba(1, 2, 3, 1.5)").a, 1.0);
        assert_eq!(hex("rgba(1, 2, 3, -0.5)").a, 1.0);
        // tinycolor's isOnePointZero: the text `1.0` means 100 %.
        assert_eq!(hex("rgb(1.0, 0, 0)"), rgba(255, 0, 0, 1.0));
        assert_eq!(hex("rgb(1, 0, 0)"), rgba(1, 0, 0, 1.0));
    }

    #[test]
    fn parses_hsl_and_hsv_forms() {
        assert_eq!(hex("hsl(0, 100%, 50%)"), rgba(255, 0, 0, 1.0));
        assert_eq!(hex("hsl(120, 100%, 50%)"), rgba(0, 255, 0, 1.0));
        // h = 1/3, s = l = 0.5: q = 0.75, p = 0.25; r: t = 2/3 → p = 0.25·255 = 63.75 → 64,
        // g: t = 1/3 → q = 191.25 → 191, b: t = 0 → p → 64.
        assert_eq!(hex("hsl(120, 50%, 50%)").to_hex(), "#40bf40");
        // Plain numbers ≤ 1 are ratios (0.5 → 50 %), larger ones percentages.
        assert_eq!(hex("hsl(120, 0.5, 0.5)").to_hex(), "#40bf40");
        assert_eq!(hex("hsl 120 50 50").to_hex(), "#40bf40");
        assert_eq!(hex("hsla(240, 100%, 50%, 0.5)"), rgba(0, 0, 255, 0.5));
        assert_eq!(hex("hsl(0, 0%, 100%)"), Color::WHITE);
        assert_eq!(hex("hsv(0, 100%, 100%)"), rgba(255, 0, 0, 1.0));
        assert_eq!(hex("hsva(240, 100%, 100%, 0.2)"), rgba(0, 0, 255, 0.2));
    }

    #[test]
    fn rejects_bad_input_with_the_exact_message() {
        assert_eq!(
            Color::parse("#12345").unwrap_err().to_string(),
            "`#12345` is not a colour: expected #rgb, #rrggbb, #rrggbbaa, rgb(), hsl() or a \
             colour name"
        );
        assert_eq!(Color::parse(" nope ").unwrap_err().input(), " nope ");
        for bad in [
            "",
            "   ",
            "#",
            "#ggg",
            "##fff",
            "#fffff",
            "#fffffff",
            "#fffffffff",
            "rgb(1, 2)",
            "rgba(1, 2, 3)",
            "rgb(1, 2, 3) x",
            "rgb(1, 2, 3, 4)",
            "xrgb(1, 2, 3)",
            "rgb(1., 2, 3)",
            "rgb(a, b, c)",
            "rgb()",
            "rgb(1,,)",
            "hsl(120deg, 50%, 50%)",
            "notacolour",
            "red blue",
            "constructor",
            "\u{0}",
            "rgb(١, 2, 3)",
        ] {
            let error = Color::parse(bad).unwrap_err();
            assert_eq!(error.input(), bad);
            assert!(error
                .to_string()
                .starts_with(&format!("`{bad}` is not a colour")));
        }
    }

    #[test]
    fn parse_never_panics() {
        let alphabet = [
            '#', 'r', 'g', 'b', 'a', 'h', 's', 'l', '(', ')', ',', '%', '.', '-', '1', '9', 'f',
            ' ', '|', 'é',
        ];
        let mut count = 0;
        for first in alphabet {
            for second in alphabet {
                for third in alphabet {
                    for fourth in alphabet {
                        let text: String = [first, second, third, fourth].iter().collect();
                        let _ = Color::parse(&text);
                        count += 1;
                    }
                }
            }
        }
        assert_eq!(count, 20 * 20 * 20 * 20);
        let _ = Color::parse(&"9".repeat(400));
        let _ = Color::parse(&format!("rgb({0}, {0}, {0})", "9".repeat(400)));
    }

    #[test]
    fn from_str_matches_parse() {
        assert_eq!("#ff6666".parse::<Color>(), Color::parse("#ff6666"));
        assert!("bogus".parse::<Color>().is_err());
    }

    // ---- Output -----------------------------------------------------------------------

    #[test]
    fn hex_output() {
        assert_eq!(hex("#ABC").to_hex(), "#aabbcc");
        assert_eq!(hex("#66b1ff80").to_hex(), "#66b1ff");
        assert_eq!(hex("#66b1ff80").to_hex8(), "#66b1ff80");
        assert_eq!(Color::WHITE.to_hex8(), "#ffffffff");
        // round(0.5·255 = 127.5) = 128 = 0x80; round(0.3·255 = 76.5) = 77 = 0x4d.
        assert_eq!(rgba(1, 2, 3, 0.5).to_hex8(), "#01020380");
        assert_eq!(rgba(1, 2, 3, 0.3).to_hex8(), "#0102034d");
        // Out-of-range alpha is opaque (boundAlpha).
        assert_eq!(rgba(1, 2, 3, f32::NAN).to_hex8(), "#010203ff");
        assert_eq!(rgba(1, 2, 3, 7.0).to_string(), "#010203");
        assert_eq!(Color::BLACK.to_string(), "#000000");
        assert_eq!(hex("#ffffff00").to_string(), "#ffffff00");
        assert_eq!(hex("transparent").to_string(), "#00000000");
    }

    #[test]
    fn luminance_and_contrast() {
        assert_eq!(Color::WHITE.luminance(), 1.0);
        assert_eq!(Color::BLACK.luminance(), 0.0);
        // (1 + 0.05) / (0 + 0.05) = 21.
        assert!((Color::WHITE.contrast(Color::BLACK) - 21.0).abs() < 1e-12);
        assert_eq!(
            Color::WHITE.contrast(Color::BLACK),
            Color::BLACK.contrast(Color::WHITE)
        );
        // #ff6666: 102/255 = 0.4 → ((0.4 + 0.055)/1.055)^2.4 = 0.431280^2.4 = 0.13287;
        // L = 0.2126 + 0.13287·(0.7152 + 0.0722) = 0.2126 + 0.10462 = 0.31722.
        let salmon = hex("#ff6666");
        assert!(
            (salmon.luminance() - 0.31722).abs() < 1e-4,
            "{}",
            salmon.luminance()
        );
        // Contrast with black: (0.31722 + 0.05) / 0.05 = 7.344.
        assert!((salmon.contrast(Color::BLACK) - 7.344).abs() < 1e-3);
    }

    #[test]
    fn most_readable_text_colour() {
        let candidates = [Color::WHITE, Color::BLACK];
        // #ff6666, L ≈ 0.3172: white 1.05/0.3672 = 2.86, black 0.3672/0.05 = 7.34 → black.
        assert_eq!(hex("#ff6666").most_readable(&candidates), Color::BLACK);
        // #2e2e3f: 46/255 → 0.02732, 63/255 → 0.04970; L = 0.02732·0.9278 + 0.0722·0.04970
        // ≈ 0.0289: white 1.05/0.0789 = 13.3, black 0.0789/0.05 = 1.58 → white.
        assert_eq!(hex("#2e2e3f").most_readable(&candidates), Color::WHITE);
        // #8ec843: 142 → 0.27050, 200 → 0.57757, 67 → 0.05613;
        // L = 0.2126·0.27050 + 0.7152·0.57757 + 0.0722·0.05613 ≈ 0.4746: white 1.05/0.5246 = 2.0, black 0.5246/0.05 = 10.5 → black.
        assert_eq!(hex("#8ec843").most_readable(&candidates), Color::BLACK);
        // Ties keep the first candidate.
        let grey = hex("#808080");
        assert_eq!(
            grey.most_readable(&[Color::WHITE, Color::WHITE]),
            Color::WHITE
        );
        let red = hex("red");
        assert_eq!(
            Color::WHITE.most_readable(&[red, red, Color::BLACK]),
            Color::BLACK
        );
        // No candidates: tinycolor's fallback pair.
        assert_eq!(hex("#2e2e3f").most_readable(&[]), Color::WHITE);
    }

    #[test]
    fn alpha_over_background() {
        // #66b1ff80 over white, p = 128/255 = 0.50196:
        // r (102 − 255)·p + 255 = 255 − 76.8 = 178.2 → 178 = b2,
        // g (177 − 255)·p + 255 = 255 − 39.153 = 215.85 → 216 = d8, b 255.
        let over = hex("#66b1ff80").over(Color::WHITE);
        assert_eq!(over, rgba(0xb2, 0xd8, 0xff, 1.0));
        assert_eq!(over.to_string(), "#b2d8ff");
        // Opaque colours are unchanged; fully transparent ones show the background.
        assert_eq!(hex("#ff6666").over(Color::WHITE), hex("#ff6666"));
        let dark = hex("#2e2e3f");
        assert_eq!(hex("#ff666600").over(dark), dark);
        // rgba alpha 0.3 is the decimal 0.3, not the f32 widened: (250 − 255)·0.3 + 255
        // = 253.5 → 254 (with 0.30000001 it would be 253.49999994 → 253).
        assert_eq!(rgba(250, 250, 250, 0.3).over(Color::WHITE).r, 254);
    }

    #[test]
    fn serde_round_trip() {
        let opaque = hex("#ff6666");
        let translucent = hex("#66b1ff80");
        assert_eq!(serde_json::to_string(&opaque).unwrap(), "\"#ff6666\"");
        assert_eq!(
            serde_json::to_string(&translucent).unwrap(),
            "\"#66b1ff80\""
        );
        for color in [
            opaque,
            translucent,
            Color::WHITE,
            hex("transparent"),
            hex("#abc8"),
        ] {
            let json = serde_json::to_string(&color).unwrap();
            assert_eq!(
                serde_json::from_str::<Color>(&json).unwrap(),
                color,
                "{json}"
            );
        }
        let list: Vec<Color> = serde_json::from_str(r#"["red", "rgb(0, 0, 255)"]"#).unwrap();
        assert_eq!(list, vec![hex("#f00"), hex("#00f")]);
        let error = serde_json::from_str::<Color>("\"#12345\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "`#12345` is not a colour: expected #rgb, #rrggbb, #rrggbbaa, rgb(), hsl() or a \
                 colour name"
            ),
            "{error}"
        );
        assert!(serde_json::from_str::<Color>("12").is_err());
    }
}
