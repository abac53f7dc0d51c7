//! Sigma conditions: `and`, `or`, `not`, parentheses and `N of` / `all of`
//! over search identifiers or patterns of them.
//!
//! Precedence, loosest first: `or`, `and`, `not`, `x of`, parentheses.
//! Keywords are case-insensitive. `them` and identifier patterns leave out
//! identifiers starting with `_` (unless the pattern itself starts with
//! `_`). Aggregations (`| count() …`) and `near` are reported as
//! unsupported.

/// A compiled condition over search identifiers (by index).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    Or(Vec<Cond>),
    And(Vec<Cond>),
    Not(Box<Cond>),
    Search(usize),
    /// At least `n` of the searches (`1 of`, `any of`, `2 of`).
    AtLeast(usize, Vec<usize>),
    /// All of the searches.
    All(Vec<usize>),
}

/// Why a condition cannot be compiled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CondError {
    /// Valid Sigma this engine does not evaluate (aggregation, `near`).
    Unsupported { feature: &'static str, text: String },
    /// Not a valid condition.
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, CondError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        match c {
            '(' => {
                tokens.push(Token::Open);
                chars.next();
            }
            ')' => {
                tokens.push(Token::Close);
                chars.next();
            }
            c if c.is_whitespace() => {
                chars.next();
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.' | '?') => {
                let mut end = at;
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.' | '?') {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(
                    text.get(at..end).unwrap_or_default().to_string(),
                ));
            }
            other => {
                return Err(CondError::Invalid(format!(
                    "unexpected character `{other}` in condition `{text}`"
                )))
            }
        }
    }
    Ok(tokens)
}

/// Compile condition `text` over the search identifiers `names`.
pub(crate) fn parse(text: &str, names: &[String]) -> Result<Cond, CondError> {
    if let Some((_, aggregation)) = text.split_once('|') {
        return Err(CondError::Unsupported {
            feature: "aggregation",
            text: format!("| {}", aggregation.trim()),
        });
    }
    let tokens = tokenize(text)?;
    if tokens
        .iter()
        .any(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("near")))
    {
        return Err(CondError::Unsupported {
            feature: "near",
            text: text.to_string(),
        });
    }
    let mut parser = CondParser {
        tokens: &tokens,
        at: 0,
        names,
        text,
    };
    let cond = parser.or()?;
    if parser.at != tokens.len() {
        return Err(parser.invalid("unexpected text after the end"));
    }
    Ok(cond)
}

struct CondParser<'a> {
    tokens: &'a [Token],
    at: usize,
    names: &'a [String],
    text: &'a str,
}

fn is_keyword(word: &str, keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword)
}

impl CondParser<'_> {
    fn invalid(&self, what: &str) -> CondError {
        CondError::Invalid(format!("{what} in condition `{}`", self.text))
    }

    fn peek_word(&self) -> Option<&str> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn or(&mut self) -> Result<Cond, CondError> {
        let mut items = vec![self.and()?];
        while self.peek_word().is_some_and(|w| is_keyword(w, "or")) {
            self.at += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and(&mut self) -> Result<Cond, CondError> {
        let mut items = vec![self.not()?];
        while self.peek_word().is_some_and(|w| is_keyword(w, "and")) {
            self.at += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn not(&mut self) -> Result<Cond, CondError> {
        if self.peek_word().is_some_and(|w| is_keyword(w, "not")) {
            self.at += 1;
            return Ok(Cond::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Cond, CondError> {
        match self.tokens.get(self.at) {
            None => Err(self.invalid("missing operand")),
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.or()?;
                if self.tokens.get(self.at) != Some(&Token::Close) {
                    return Err(self.invalid("missing `)`"));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Close) => Err(self.invalid("unexpected `)`")),
            Some(Token::Word(word)) => {
                let word = word.clone();
                self.at += 1;
                let is_of = self.peek_word().is_some_and(|w| is_keyword(w, "of"));
                if is_of {
                    self.at += 1;
                    return self.quantified(&word);
                }
                if ["and", "or", "not", "of", "them"]
                    .iter()
                    .any(|k| is_keyword(&word, k))
                {
                    return Err(self.invalid(&format!("unexpected `{word}`")));
                }
                match self.names.iter().position(|n| *n == word) {
                    Some(index) => Ok(Cond::Search(index)),
                    None => Err(CondError::Invalid(format!(
                        "unknown search identifier `{word}` in condition `{}`",
                        self.text
                    ))),
                }
            }
        }
    }

    fn quantified(&mut self, quantity: &str) -> Result<Cond, CondError> {
        let target = match self.tokens.get(self.at) {
            Some(Token::Word(w)) => w.clone(),
            _ => return Err(self.invalid("missing identifier pattern after `of`")),
        };
        self.at += 1;
        let selected: Vec<usize> = if is_keyword(&target, "them") {
            self.names
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.starts_with('_'))
                .map(|(i, _)| i)
                .collect()
        } else {
            let with_underscore = target.starts_with('_');
            self.names
                .iter()
                .enumerate()
                .filter(|(_, n)| (with_underscore || !n.starts_with('_')) && wildcard(&target, n))
                .map(|(i, _)| i)
                .collect()
        };
        if selected.is_empty() {
            return Err(CondError::Invalid(format!(
                "`{quantity} of {target}` names no search identifier in condition `{}`",
                self.text
            )));
        }
        if is_keyword(quantity, "all") {
            return Ok(Cond::All(selected));
        }
        let n = if is_keyword(quantity, "any") {
            1
        } else {
            quantity
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| self.invalid(&format!("bad quantity `{quantity}`")))?
        };
        Ok(Cond::AtLeast(n, selected))
    }
}

/// Whether `name` matches `pattern` with `*` wildcards.
fn wildcard(pattern: &str, name: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = rest.get(at + piece.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn precedence_not_and_or() {
        let n = names(&["a", "b", "c"]);
        assert_eq!(
            parse("a or b and not c", &n).unwrap(),
            Cond::Or(vec![
                Cond::Search(0),
                Cond::And(vec![Cond::Search(1), Cond::Not(Box::new(Cond::Search(2)))])
            ])
        );
        assert_eq!(
            parse("(a OR b) AND c", &n).unwrap(),
            Cond::And(vec![
                Cond::Or(vec![Cond::Search(0), Cond::Search(1)]),
                Cond::Search(2)
            ])
        );
    }

    #[test]
    fn quantifiers_and_patterns() {
        let n = names(&["sel_a", "sel_b", "_sel_c", "filter"]);
        assert_eq!(
            parse("1 of sel*", &n).unwrap(),
            Cond::AtLeast(1, vec![0, 1])
        );
        assert_eq!(parse("all of them", &n).unwrap(), Cond::All(vec![0, 1, 3]));
        assert_eq!(
            parse("any of _sel*", &n).unwrap(),
            Cond::AtLeast(1, vec![2])
        );
        assert_eq!(
            parse("not 1 of filter*", &n).unwrap(),
            Cond::Not(Box::new(Cond::AtLeast(1, vec![3])))
        );
        assert!(matches!(
            parse("1 of nothing*", &n),
            Err(CondError::Invalid(_))
        ));
        assert!(matches!(
            parse("sel_a and zzz", &n),
            Err(CondError::Invalid(_))
        ));
        assert!(matches!(
            parse("sel_a | count() by x > 5", &n),
            Err(CondError::Unsupported {
                feature: "aggregation",
                ..
            })
        ));
        assert!(wildcard("*_a", "sel_a"));
        assert!(wildcard("s*l*a", "sel_a"));
        assert!(!wildcard("s*l*b", "sel_a"));
    }
}
