//! Turns the translations in `locales/*.ftl` into Rust: the `Language` enum and one method per
//! message on `Texts`, so that a message missing from a language, a misspelt key or a wrong
//! argument fails the build instead of showing a key to a reader, and the browser app carries
//! no Fluent runtime (only the strings it uses).
//!
//! Supported Fluent: text, `{ $variable }`, string and number literals, `{ -term }` and
//! `{ message }` references (inlined), and selects on a variable: by plural category or exact
//! number (the variable is then a count, `u64`) or by string value. Anything else is refused
//! with the file and message named.

use std::{collections::BTreeMap, fmt::Write as _, fs, path::Path};

use fluent_syntax::ast;

/// The languages, the reference first (every other must have the same messages). Adding a
/// language is its `locales/<code>.ftl` and one line here naming its plural rule for counts.
const LANGUAGES: &[(&str, PluralRule)] =
    &[("en", PluralRule::OneIsOne), ("da", PluralRule::OneIsOne)];

/// CLDR's cardinal rules for whole numbers, as far as the languages above need them.
#[derive(Clone, Copy)]
#[allow(dead_code)] // The rules a language may pick, used or not.
enum PluralRule {
    /// English, Danish, German, Swedish, Norwegian, Dutch, Italian, Spanish: `one` is 1.
    OneIsOne,
    /// French, Portuguese: `one` is 0 and 1.
    OneIsZeroOrOne,
    /// Japanese, Chinese, Korean: always `other`.
    OnlyOther,
}

const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

fn main() {
    let dir = Path::new("locales");
    println!("cargo::rerun-if-changed=locales");
    let mut files = Vec::new();
    for (code, _) in LANGUAGES {
        let path = dir.join(format!("{code}.ftl"));
        println!("cargo::rerun-if-changed={}", path.display());
        let source =
            fs::read_to_string(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        files.push((*code, source));
    }
    let locales: Vec<Locale<'_>> = files
        .iter()
        .map(|(code, source)| Locale::parse(code, source))
        .collect();
    let code = generate(&locales);
    let out = std::env::var("OUT_DIR").unwrap_or_else(|e| fail(&e.to_string()));
    fs::write(Path::new(&out).join("texts.rs"), code).unwrap_or_else(|e| fail(&e.to_string()));
}

fn fail(message: &str) -> ! {
    panic!("translations: {message}")
}

/// One language's messages and terms.
struct Locale<'s> {
    code: &'s str,
    messages: BTreeMap<&'s str, ast::Pattern<&'s str>>,
    /// In file order, for the generated methods' order.
    order: Vec<&'s str>,
    terms: BTreeMap<&'s str, ast::Pattern<&'s str>>,
}

impl<'s> Locale<'s> {
    fn parse(code: &'s str, source: &'s str) -> Self {
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| {
            fail(&format!("locales/{code}.ftl does not parse: {errors:?}"))
        });
        let mut locale = Self {
            code,
            messages: BTreeMap::new(),
            order: Vec::new(),
            terms: BTreeMap::new(),
        };
        for entry in resource.body {
            match entry {
                ast::Entry::Message(message) => {
                    let id = message.id.name;
                    let value = message.value.unwrap_or_else(|| {
                        fail(&format!(
                            "{code}: `{id}` has no value (attributes are not used)"
                        ))
                    });
                    if locale.messages.insert(id, value).is_some() {
                        fail(&format!("{code}: `{id}` is defined twice"));
                    }
                    locale.order.push(id);
                }
                ast::Entry::Term(term) => {
                    locale.terms.insert(term.id.name, term.value);
                }
                ast::Entry::Junk { content } => {
                    fail(&format!("{code}: cannot read `{}`", content.trim()))
                }
                _ => {}
            }
        }
        locale
    }
}

/// How a message uses a variable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Text,
    Count,
}

/// A select whose keys are plural categories or numbers chooses by a count.
fn selector_kind(variants: &[ast::Variant<&str>]) -> Kind {
    let counting = variants.iter().all(|v| match &v.key {
        ast::VariantKey::NumberLiteral { .. } => true,
        ast::VariantKey::Identifier { name } => PLURAL_CATEGORIES.contains(name),
    });
    if counting { Kind::Count } else { Kind::Text }
}

/// Every variable of a message, references followed, in order of first use.
fn message_variables<'s>(locale: &Locale<'s>, id: &'s str) -> Vec<(&'s str, Kind)> {
    let mut found = Vec::new();
    collect(locale, id, &locale.messages[id], &mut found, 0);
    found
}

fn collect<'s>(
    locale: &Locale<'s>,
    id: &str,
    pattern: &ast::Pattern<&'s str>,
    found: &mut Vec<(&'s str, Kind)>,
    depth: usize,
) {
    if depth > 8 {
        fail(&format!("{}: `{id}` refers to itself", locale.code));
    }
    let note = |found: &mut Vec<(&'s str, Kind)>, name: &'s str, kind: Kind| match found
        .iter_mut()
        .find(|(n, _)| *n == name)
    {
        Some((_, seen)) if kind == Kind::Count => *seen = Kind::Count,
        Some(_) => {}
        None => found.push((name, kind)),
    };
    for element in &pattern.elements {
        let ast::PatternElement::Placeable { expression } = element else {
            continue;
        };
        match expression {
            ast::Expression::Inline(inline) => match inline {
                ast::InlineExpression::VariableReference { id: var } => {
                    note(found, var.name, Kind::Text)
                }
                ast::InlineExpression::TermReference { id: term, .. } => {
                    let pattern = locale.terms.get(term.name).unwrap_or_else(|| {
                        fail(&format!(
                            "{}: `{id}` uses an unknown term -{}",
                            locale.code, term.name
                        ))
                    });
                    collect(locale, id, pattern, found, depth + 1);
                }
                ast::InlineExpression::MessageReference { id: other, .. } => {
                    let pattern = locale.messages.get(other.name).unwrap_or_else(|| {
                        fail(&format!(
                            "{}: `{id}` uses an unknown message {}",
                            locale.code, other.name
                        ))
                    });
                    collect(locale, id, pattern, found, depth + 1);
                }
                ast::InlineExpression::StringLiteral { .. }
                | ast::InlineExpression::NumberLiteral { .. } => {}
                _ => unsupported(locale, id),
            },
            ast::Expression::Select { selector, variants } => {
                let ast::InlineExpression::VariableReference { id: var } = selector else {
                    fail(&format!(
                        "{}: `{id}` selects on something not a variable",
                        locale.code
                    ));
                };
                if !variants.iter().any(|v| v.default) {
                    fail(&format!(
                        "{}: `{id}` has a select without a default",
                        locale.code
                    ));
                }
                note(found, var.name, selector_kind(variants));
                for variant in variants {
                    collect(locale, id, &variant.value, found, depth + 1);
                }
            }
        }
    }
}

fn unsupported(locale: &Locale<'_>, id: &str) -> ! {
    fail(&format!(
        "{}: `{id}` uses a Fluent feature this build does not translate (functions, attributes \
         or nested placeables)",
        locale.code
    ))
}

/// The Rust that appends `pattern` to `out`.
fn emit(
    locale: &Locale<'_>,
    id: &str,
    pattern: &ast::Pattern<&str>,
    vars: &[(&str, Kind)],
) -> String {
    let mut code = String::new();
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => push_literal(&mut code, value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(inline) => match inline {
                    ast::InlineExpression::VariableReference { id: var } => {
                        match kind_of(vars, var.name) {
                            Kind::Text => writeln!(code, "out.push_str({});", ident(var.name)),
                            Kind::Count => {
                                writeln!(code, "out.push_str(&{}.to_string());", ident(var.name))
                            }
                        }
                        .unwrap_or_default();
                    }
                    ast::InlineExpression::StringLiteral { value } => {
                        if value.contains('\\') {
                            fail(&format!(
                                "{}: `{id}` has an escape in a string literal",
                                locale.code
                            ));
                        }
                        push_literal(&mut code, value);
                    }
                    ast::InlineExpression::NumberLiteral { value } => {
                        push_literal(&mut code, value)
                    }
                    ast::InlineExpression::TermReference { id: term, .. } => {
                        code.push_str(&emit(locale, id, &locale.terms[term.name], vars));
                    }
                    ast::InlineExpression::MessageReference { id: other, .. } => {
                        code.push_str(&emit(locale, id, &locale.messages[other.name], vars));
                    }
                    _ => unsupported(locale, id),
                },
                ast::Expression::Select { selector, variants } => {
                    let ast::InlineExpression::VariableReference { id: var } = selector else {
                        unsupported(locale, id);
                    };
                    let name = ident(var.name);
                    let kind = kind_of(vars, var.name);
                    let mut branches = String::new();
                    for variant in variants.iter().filter(|v| !v.default) {
                        let test = match (&variant.key, kind) {
                            (ast::VariantKey::NumberLiteral { value }, Kind::Count) => {
                                let n: u64 = value.parse().unwrap_or_else(|_| {
                                    fail(&format!(
                                        "{}: `{id}` has a key {value} that is not a whole number",
                                        locale.code
                                    ))
                                });
                                format!("{name} == {n}")
                            }
                            (ast::VariantKey::Identifier { name: category }, Kind::Count) => {
                                format!("self.language.plural({name}) == {category:?}")
                            }
                            (ast::VariantKey::Identifier { name: key }, Kind::Text)
                            | (ast::VariantKey::NumberLiteral { value: key }, Kind::Text) => {
                                format!("{name} == {key:?}")
                            }
                        };
                        write!(
                            branches,
                            "if {test} {{\n{}}} else ",
                            emit(locale, id, &variant.value, vars)
                        )
                        .unwrap_or_default();
                    }
                    let default = variants
                        .iter()
                        .find(|v| v.default)
                        .map_or_else(String::new, |v| emit(locale, id, &v.value, vars));
                    write!(code, "{branches}{{\n{default}}}\n").unwrap_or_default();
                }
            },
        }
    }
    code
}

fn kind_of(vars: &[(&str, Kind)], name: &str) -> Kind {
    vars.iter()
        .find(|(n, _)| *n == name)
        .map_or(Kind::Text, |(_, kind)| *kind)
}

fn push_literal(code: &mut String, text: &str) {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (None, _) => {}
        (Some(c), None) => writeln!(code, "out.push({c:?});").unwrap_or_default(),
        _ => writeln!(code, "out.push_str({text:?});").unwrap_or_default(),
    }
}

/// The text of a pattern without variables, evaluated here.
fn constant(locale: &Locale<'_>, id: &str, pattern: &ast::Pattern<&str>) -> String {
    let mut text = String::new();
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => text.push_str(value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::StringLiteral { value })
                | ast::Expression::Inline(ast::InlineExpression::NumberLiteral { value }) => {
                    text.push_str(value)
                }
                ast::Expression::Inline(ast::InlineExpression::TermReference {
                    id: term, ..
                }) => text.push_str(&constant(locale, id, &locale.terms[term.name])),
                ast::Expression::Inline(ast::InlineExpression::MessageReference {
                    id: other,
                    ..
                }) => text.push_str(&constant(locale, id, &locale.messages[other.name])),
                _ => unsupported(locale, id),
            },
        }
    }
    text
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "yield",
];

fn ident(fluent: &str) -> String {
    let name = fluent.replace('-', "_");
    if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

fn variant_name(code: &str) -> String {
    let mut chars = code.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn generate(locales: &[Locale<'_>]) -> String {
    let reference = &locales[0];
    for locale in locales {
        for id in locale.messages.keys() {
            for other in locales {
                if !other.messages.contains_key(id) {
                    fail(&format!(
                        "`{id}` is in locales/{}.ftl but missing from locales/{}.ftl",
                        locale.code, other.code
                    ));
                }
            }
        }
        if !locale.terms.contains_key("language-name") {
            fail(&format!(
                "locales/{}.ftl has no -language-name",
                locale.code
            ));
        }
    }
    let mut code = String::new();
    // The enum.
    code.push_str(
        "/// A language Meeting Manager speaks; the first is the reference.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         pub enum Language {\n",
    );
    for locale in locales {
        writeln!(code, "    /// `{}`", locale.code).unwrap_or_default();
        writeln!(code, "    {},", variant_name(locale.code)).unwrap_or_default();
    }
    code.push_str("}\n\nimpl Language {\n    /// Every language, the reference first.\n");
    let all: Vec<String> = locales
        .iter()
        .map(|l| format!("Self::{}", variant_name(l.code)))
        .collect();
    writeln!(
        code,
        "    pub const ALL: [Self; {}] = [{}];\n",
        locales.len(),
        all.join(", ")
    )
    .unwrap_or_default();
    code.push_str("    /// Its ISO 639-1 code, as `<html lang>` and `Content-Language` carry it.\n    pub const fn code(self) -> &'static str {\n        match self {\n");
    for locale in locales {
        writeln!(
            code,
            "            Self::{} => {:?},",
            variant_name(locale.code),
            locale.code
        )
        .unwrap_or_default();
    }
    code.push_str("        }\n    }\n\n    /// Its name in itself, for a language switcher.\n    pub fn own_name(self) -> &'static str {\n        match self {\n");
    for locale in locales {
        writeln!(
            code,
            "            Self::{} => {:?},",
            variant_name(locale.code),
            constant(locale, "-language-name", &locale.terms["language-name"])
        )
        .unwrap_or_default();
    }
    code.push_str("        }\n    }\n\n    /// The plural category of a count (CLDR's cardinal rules for whole numbers).\n    pub fn plural(self, n: u64) -> &'static str {\n        match self {\n");
    for (locale, (_, rule)) in locales.iter().zip(LANGUAGES) {
        let body = match rule {
            PluralRule::OneIsOne => "if n == 1 { \"one\" } else { \"other\" }",
            PluralRule::OneIsZeroOrOne => "if n <= 1 { \"one\" } else { \"other\" }",
            PluralRule::OnlyOther => "{ let _ = n; \"other\" }",
        };
        writeln!(
            code,
            "            Self::{} => {body},",
            variant_name(locale.code)
        )
        .unwrap_or_default();
    }
    code.push_str("        }\n    }\n}\n\nimpl Texts {\n");
    // One method per message.
    for id in &reference.order {
        let vars = message_variables(reference, id);
        for locale in &locales[1..] {
            for (name, kind) in message_variables(locale, id) {
                match vars.iter().find(|(n, _)| *n == name) {
                    None => fail(&format!(
                        "{}: `{id}` uses ${name}, which locales/{}.ftl's `{id}` does not give",
                        locale.code, reference.code
                    )),
                    Some((_, k)) if *k != kind => fail(&format!(
                        "{}: `{id}` uses ${name} as a {kind:?}, {} as a {k:?}",
                        locale.code, reference.code
                    )),
                    Some(_) => {}
                }
            }
        }
        let english = constant_preview(reference, id);
        writeln!(code, "    /// {english}").unwrap_or_default();
        if vars.is_empty() {
            writeln!(
                code,
                "    pub fn {}(&self) -> &'static str {{\n        match self.language {{",
                ident(id)
            )
            .unwrap_or_default();
            for locale in locales {
                writeln!(
                    code,
                    "            Language::{} => {:?},",
                    variant_name(locale.code),
                    constant(locale, id, &locale.messages[*id])
                )
                .unwrap_or_default();
            }
            code.push_str("        }\n    }\n\n");
        } else {
            let params: Vec<String> = vars
                .iter()
                .map(|(name, kind)| match kind {
                    Kind::Text => format!("{}: &str", ident(name)),
                    Kind::Count => format!("{}: u64", ident(name)),
                })
                .collect();
            writeln!(
                code,
                "    #[allow(unused_variables)]\n    pub fn {}(&self, {}) -> String {{\n        let mut out = String::new();\n        match self.language {{",
                ident(id),
                params.join(", ")
            )
            .unwrap_or_default();
            for locale in locales {
                writeln!(
                    code,
                    "            Language::{} => {{\n{}            }}",
                    variant_name(locale.code),
                    emit(locale, id, &locale.messages[*id], &vars)
                )
                .unwrap_or_default();
            }
            code.push_str("        }\n        out\n    }\n\n");
        }
    }
    // Every key, for the tests and tools that list them.
    code.push_str(
        "}\n\n/// Every message id, in the reference file's order.\npub const KEYS: &[&str] = &[\n",
    );
    for id in &reference.order {
        writeln!(code, "    {id:?},").unwrap_or_default();
    }
    code.push_str("];\n");
    code
}

/// The reference text of a message for its doc comment, with placeholders kept.
fn constant_preview(locale: &Locale<'_>, id: &str) -> String {
    let mut text = String::new();
    for element in &locale.messages[id].elements {
        match element {
            ast::PatternElement::TextElement { value } => text.push_str(value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                    write!(text, "{{${}}}", id.name).unwrap_or_default()
                }
                _ => text.push('…'),
            },
        }
    }
    format!("`{id}`: {}", text.replace('\n', " ").trim())
}
