//! The canonical string (SPEC §2): a JSON object flattened into `path:value` lines and sorted,
//! in one walk per order that verification accepts (SPEC §2.1), into one reused buffer.

use std::cmp::Ordering;

use bumpalo::collections::Vec as BumpVec;
use bumpalo::Bump;

use crate::error::{Error, Result};
use crate::json::{Entries, Node, MAX_BODY_BYTES, MAX_DEPTH};
use crate::natural::{nat_cmp_keys, natural_cmp, Key};

/// Text in a message's arena: the canonical string and the current path. (Measured: copying
/// short pieces with fixed-size moves instead of `memcpy` saved 0.24 % of `verify_callback`'s
/// instructions, so the plain arena string it is.)
pub(crate) type TextBuf<'b> = bumpalo::collections::String<'b>;

/// The largest canonical string built, in bytes (8 MiB, four times [`MAX_BODY_BYTES`]).
///
/// Every line of the canonical string repeats the full path of its value, so a crafted body
/// (one long key over many short values) would expand to gigabytes: such a message is rejected
/// with [`Error::CanonicalTooLarge`] once its text passes this size, before anything is hashed.
/// Real messages expand by a few percent.
pub const MAX_CANONICAL_BYTES: usize = 4 * MAX_BODY_BYTES;

/// The canonical text, in natural order.
pub(crate) fn canonical_text(entries: &Entries<'_>, skip: Skip, bump: &Bump) -> Result<String> {
    let text = TextBuf::with_capacity_in(entries.len() * 96, bump);
    let t = Text::of(entries, skip, Variant::DOCUMENTED, text, bump)?;
    if !t.ties {
        return Ok(t.text.as_str().to_owned());
    }
    Ok(Flat::new(entries, skip, bump)?.text(Variant::DOCUMENTED))
}

/// The orders and removals a received message may have been signed with (SPEC §2.1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Variant {
    /// Plain byte order of the paths instead of natural order.
    pub(crate) bytes: bool,
    /// Every nested key named `signature` removed.
    pub(crate) drop_nested: bool,
}

impl Variant {
    /// (a), the documented rule, and the only one used for signing.
    pub(crate) const DOCUMENTED: Variant = Variant {
        bytes: false,
        drop_nested: false,
    };
    /// (b)
    pub(crate) const NESTED_REMOVED: Variant = Variant {
        bytes: false,
        drop_nested: true,
    };
    /// (c) of (a)
    pub(crate) const BYTE_ORDER: Variant = Variant {
        bytes: true,
        drop_nested: false,
    };
    /// (c) of (b)
    pub(crate) const BYTE_ORDER_NESTED_REMOVED: Variant = Variant {
        bytes: true,
        drop_nested: true,
    };
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Skip {
    Nothing,
    TopSignature,
    GeneralSignature,
}

/// One `path:value` line; the path is a range of `Flat::paths`.
pub(crate) struct Line<'a> {
    start: u32,
    end: u32,
    value: &'a str,
    nested_signature: bool,
}

/// The flattened lines of an object, emitted in natural order of their paths.
///
/// Keys are sorted per object with the comparator applied to `key`, or `key:` for a non-empty
/// container. That orders full paths exactly like sorting them whole: two paths first differ
/// inside the keys where they part, and digit runs never cross the `:`. Arrays are already in
/// natural order. A full sort of the paths is needed only when two distinct keys compare equal
/// (PHP's leading-zero rule at the top level) or a key contains `:` (its path can run into a
/// sibling's child path); `ties` says so.
pub(crate) struct Flat<'a> {
    paths: String,
    lines: Vec<Line<'a>>,
    ties: bool,
}

/// Buffers shared by the whole flattening: the current path, a stack of children, and the last
/// sorted object of each depth.
pub(crate) struct Scratch<'b, 'a> {
    prefix: TextBuf<'b>,
    kids: BumpVec<'b, Kid>,
    /// Bytes of canonical text so far (every line counts its `;`), against [`MAX_CANONICAL_BYTES`].
    total: usize,
    /// By depth (from 1), the last object sorted there: a page's operations share their keys,
    /// so most objects take their siblings' order instead of sorting again.
    shapes: [Option<Shape<'b, 'a>>; SHAPE_DEPTHS],
}

/// How many depths keep a [`Shape`] (a Data API page's operations are at depth 3, their sums at 4).
const SHAPE_DEPTHS: usize = 6;

/// An object whose children were sorted with no tie and no `:` in a key, and that order: any
/// object with the same keys in the same positions, each a non-empty container or not alike,
/// sorts the same way (the order depends on nothing else).
struct Shape<'b, 'a> {
    entries: &'a Entries<'a>,
    /// Whether the key `signature` was left out (the rest left out depends on the keys alone).
    drop_signature: bool,
    sorted: BumpVec<'b, Kid>,
}

impl Shape<'_, '_> {
    /// Whether `entries` has this shape's keys in the same positions, alike in being containers.
    #[inline]
    fn fits(&self, entries: &Entries<'_>, drop_signature: bool) -> bool {
        self.drop_signature == drop_signature
            && self.entries.len() == entries.len()
            && self
                .entries
                .iter()
                .zip(entries)
                .all(|((ka, va), (kb, vb))| {
                    ka == kb && sorts_as_container(va) == sorts_as_container(vb)
                })
    }
}

impl Scratch<'_, '_> {
    /// Hands the sink a line of the current path and `value`, counted against
    /// [`MAX_CANONICAL_BYTES`]: an error, and no line, once the text would pass it.
    #[inline(always)]
    fn line<'a>(&mut self, sink: &mut impl Sink<'a>, value: &'a str, nested: bool) -> Result<()> {
        self.total += self.prefix.len() + value.len() + 1;
        if self.total > MAX_CANONICAL_BYTES + 1 {
            return Err(Error::CanonicalTooLarge {
                limit: MAX_CANONICAL_BYTES,
            });
        }
        sink.line(&self.prefix, value, nested);
        Ok(())
    }
}

/// A child of the object being flattened: its entry, whether it sorts as `key:` (a non-empty
/// container), and whether its key has a `:` to double.
#[derive(Clone, Copy)]
pub(crate) struct Kid {
    index: u32,
    container: bool,
    escape: bool,
    /// See [`sort_prefix`]; 0 when it cannot decide.
    prefix: u64,
}

/// The first eight bytes of a key as it sorts (`key`, or `key:` for a container), big-endian,
/// zero-padded. When two keys' prefixes differ and hold no digit, comparing them as integers
/// orders the keys exactly as `strnatcmp` does (plain bytes, a prefix first). 0 means "ask
/// `strnatcmp`": a digit or a byte below 0x02 in the first eight bytes.
#[inline]
fn sort_prefix(key: &[u8], colon: bool) -> (u64, bool) {
    use crate::swar;
    let n = key.len().min(8);
    // The first eight bytes, little-endian, zero-padded; short keys by overlapping loads.
    let w = match key.len() {
        0 => 0,
        1..=3 => {
            u64::from(key[0])
                | u64::from(key[n / 2]) << (n / 2 * 8)
                | u64::from(key[n - 1]) << ((n - 1) * 8)
        }
        4..=7 => {
            let lo = u32::from_le_bytes([key[0], key[1], key[2], key[3]]);
            let hi = u32::from_le_bytes([key[n - 4], key[n - 3], key[n - 2], key[n - 1]]);
            u64::from(lo) | u64::from(hi) << ((n - 4) * 8)
        }
        _ => u64::from_le_bytes([
            key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
        ]),
    };
    let escape = if key.len() <= 8 {
        // The padding is zero, never ':'.
        swar::equal(w, b':') != 0
    } else {
        key.contains(&b':')
    };
    let w = if colon && n < 8 {
        w | u64::from(b':') << (n * 8)
    } else {
        w
    };
    // Undecided: a digit anywhere, a 0x01, or a NUL inside the key (the padding is marked 0x80
    // for this test only), or an empty key with no colon.
    let pad = if n == 8 { 0 } else { swar::HIGHS << (n * 8) };
    let checked = w | pad;
    let undecided = w == 0
        || swar::below(checked ^ (swar::ONES * u64::from(b'0')), 10) != 0
        || swar::equal(checked, 1) != 0
        || swar::below(checked, 1) != 0;
    (if undecided { 0 } else { w.swap_bytes() }, escape)
}

#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    depth: usize,
    /// This object's key `signature` is left out: the signature itself, or (b) any.
    drop_signature_here: bool,
    nested: bool,
    skip: Skip,
    variant: Variant,
}

/// Receives the lines of a flattened object, in natural order of their paths.
pub(crate) trait Sink<'a> {
    /// `path` (whole `str` pieces) ends with the `:` that separates it from the value.
    fn line(&mut self, path: &TextBuf<'_>, value: &'a str, nested_signature: bool);
    /// Two distinct keys compared equal: the order must be fixed by a full sort.
    fn ties(&mut self);
    /// A byte-order walk put some siblings out of natural order.
    fn reordered(&mut self) {}
}

/// The canonical text itself, written as the walk goes (the common, fast case).
pub(crate) struct Text<'b> {
    pub(crate) text: TextBuf<'b>,
    started: bool,
    pub(crate) nested_signature: bool,
    pub(crate) ties: bool,
    /// For a byte-order walk: whether its order differs from natural order anywhere (if not,
    /// the text is the natural-order one).
    pub(crate) reordered: bool,
}

impl<'b> Text<'b> {
    /// The canonical text of an object in a variant, written into `text` (empty); valid only
    /// if `ties` stays false (else the order needs a full sort of the paths: [`Flat`]).
    pub(crate) fn of<'a>(
        entries: &'a Entries<'a>,
        skip: Skip,
        variant: Variant,
        text: TextBuf<'b>,
        bump: &Bump,
    ) -> Result<Text<'b>> {
        let mut t = Text {
            text,
            started: false,
            nested_signature: false,
            ties: false,
            reordered: false,
        };
        walk(entries, skip, variant, &mut t, bump)?;
        Ok(t)
    }
}

impl<'a> Sink<'a> for Text<'_> {
    #[inline(always)]
    fn line(&mut self, path: &TextBuf<'_>, value: &'a str, nested_signature: bool) {
        if self.started {
            self.text.push(';');
        }
        self.text.push_str(path);
        self.text.push_str(value);
        self.nested_signature |= nested_signature;
        self.started = true;
    }
    fn ties(&mut self) {
        self.ties = true;
    }
    fn reordered(&mut self) {
        self.reordered = true;
    }
}

impl<'a> Sink<'a> for Flat<'a> {
    fn line(&mut self, path: &TextBuf<'_>, value: &'a str, nested_signature: bool) {
        let start = self.paths.len() as u32;
        let path = path.as_str();
        self.paths.push_str(path.strip_suffix(':').unwrap_or(path));
        self.lines.push(Line {
            start,
            end: self.paths.len() as u32,
            value,
            nested_signature,
        });
    }
    fn ties(&mut self) {
        self.ties = true;
    }
}

/// Walks an object depth-first, children sorted in the variant's order (natural order for
/// [`Flat`], which sorts its lines itself), and hands every scalar to the sink.
fn walk<'a>(
    entries: &'a Entries<'a>,
    skip: Skip,
    variant: Variant,
    sink: &mut impl Sink<'a>,
    bump: &Bump,
) -> Result<()> {
    let mut scratch = Scratch {
        prefix: TextBuf::with_capacity_in(128, bump),
        kids: BumpVec::with_capacity_in(32, bump),
        total: 0,
        shapes: Default::default(),
    };
    let ctx = Ctx {
        depth: 1,
        drop_signature_here: skip == Skip::TopSignature || variant.drop_nested,
        nested: false,
        skip,
        variant,
    };
    walk_object(entries, &mut scratch, ctx, sink)
}

fn walk_object<'b, 'a>(
    entries: &'a Entries<'a>,
    s: &mut Scratch<'b, 'a>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
) -> Result<()> {
    if ctx.depth > MAX_DEPTH {
        return Err(Error::NestingTooDeep(MAX_DEPTH));
    }
    // This object's children go on top of the shared stack, and come off at the end.
    let kids_base = s.kids.len();
    let slot = ctx.depth - 1;
    let cached = !ctx.variant.bytes
        && slot < SHAPE_DEPTHS
        && s.shapes[slot]
            .as_ref()
            .is_some_and(|shape| shape.fits(entries, ctx.drop_signature_here));
    if cached {
        let shape = s.shapes[slot].as_ref().expect("checked above");
        s.kids.extend_from_slice(&shape.sorted);
    } else {
        sort_children(entries, s, ctx, sink, slot);
    }
    walk_children(entries, s, ctx, sink, kids_base)
}

/// Puts an object's children on the stack in the variant's order, and keeps that order as its
/// depth's [`Shape`] when it can be reused.
fn sort_children<'b, 'a>(
    entries: &'a Entries<'a>,
    s: &mut Scratch<'b, 'a>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
    slot: usize,
) {
    let kids_base = s.kids.len();
    let mut colon = false;
    for (i, (key, value)) in entries.iter().enumerate() {
        if *key == "frame_mode" || (ctx.drop_signature_here && *key == "signature") {
            continue;
        }
        let container = sorts_as_container(value);
        let (prefix, escape) = sort_prefix(key.as_bytes(), container);
        colon |= escape;
        s.kids.push(Kid {
            index: i as u32,
            container,
            escape,
            prefix,
        });
    }
    let top = ctx.depth == 1;
    let mut ties = false;
    let kids = &mut s.kids[kids_base..];
    if ctx.variant.bytes {
        if sort_kids_bytewise(kids, entries, top) {
            sink.reordered();
        }
    } else {
        // Usually every key is decided by its prefix, and all prefixes differ: then plain
        // integer order is the natural order. Otherwise (or on a shared prefix) the full
        // comparison below.
        let decided = kids.iter().all(|k| k.prefix != 0);
        if decided {
            kids.sort_unstable_by_key(|k| k.prefix);
        }
        if !decided || kids.windows(2).any(|w| w[0].prefix == w[1].prefix) {
            sort_kids(kids, entries, top, &mut ties);
        }
    }
    // A key with `:` can compare against a sibling's child path (`n::a` vs `n:a`): only a
    // full sort of the paths orders that right.
    if ties || (colon && s.kids.len() - kids_base > 1) {
        sink.ties();
    } else if !ctx.variant.bytes && !colon && slot < SHAPE_DEPTHS && s.kids.len() - kids_base > 1 {
        let shape = s.shapes[slot].get_or_insert_with(|| Shape {
            entries,
            drop_signature: ctx.drop_signature_here,
            sorted: BumpVec::new_in(s.kids.bump()),
        });
        shape.entries = entries;
        shape.drop_signature = ctx.drop_signature_here;
        shape.sorted.clear();
        shape.sorted.extend_from_slice(&s.kids[kids_base..]);
    }
}

/// Walks the children on top of the stack (in order), then takes them off.
fn walk_children<'b, 'a>(
    entries: &'a Entries<'a>,
    s: &mut Scratch<'b, 'a>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
    kids_base: usize,
) -> Result<()> {
    let base = s.prefix.len();
    for k in kids_base..s.kids.len() {
        let kid = s.kids[k];
        let (key, value) = &entries[kid.index as usize];
        if kid.escape {
            s.prefix.push_str(&key.replace(':', "::"));
        } else {
            s.prefix.push_str(key);
        }
        s.prefix.push(':');
        let child = Ctx {
            depth: ctx.depth,
            drop_signature_here: ctx.variant.drop_nested
                || (ctx.depth == 1 && ctx.skip == Skip::GeneralSignature && *key == "general"),
            nested: ctx.nested || *key == "signature",
            skip: ctx.skip,
            variant: ctx.variant,
        };
        walk_value(value, s, child, sink)?;
        s.prefix.truncate(base);
    }
    s.kids.truncate(kids_base);
    Ok(())
}

/// Sorts an object's children in plain byte order of their keys (variant (c)); true when that
/// is not their natural order. Distinct keys never compare equal bytewise, but `k:` (a
/// container) can equal a key `k:`: such a key has a `:`, which makes the caller ask for a
/// full sort anyway.
#[cold]
#[inline(never)]
fn sort_kids_bytewise(kids: &mut [Kid], entries: &Entries<'_>, top: bool) -> bool {
    let key = |k: &Kid| Key {
        bytes: entries[k.index as usize].0.as_bytes(),
        colon: k.container,
    };
    // The first eight bytes (zero-padded) as an integer order most pairs without `memcmp`.
    let prefix = |k: &Kid| {
        let key = key(k);
        let mut p = [0u8; 8];
        for (i, b) in p.iter_mut().enumerate().take(key.len()) {
            *b = key.at(i);
        }
        u64::from_be_bytes(p)
    };
    kids.sort_by_cached_key(|k| prefix(k));
    let mut start = 0;
    while start < kids.len() {
        let p = prefix(&kids[start]);
        let end = start + kids[start..].iter().take_while(|k| prefix(k) == p).count();
        kids[start..end].sort_unstable_by(|a, b| byte_cmp_keys(key(a), key(b)));
        start = end;
    }
    // Sorted bytewise and every neighbour in natural order too: the orders are the same.
    kids.windows(2)
        .any(|w| nat_cmp_keys(key(&w[0]), key(&w[1]), top) != Ordering::Less)
}

/// Sorts an object's children in natural order of their keys (with the prefix shortcut where it
/// decides); sets `ties` when two distinct keys compare equal.
fn sort_kids(kids: &mut [Kid], entries: &Entries<'_>, top: bool, ties: &mut bool) {
    kids.sort_by(|a, b| {
        if a.prefix != b.prefix && a.prefix != 0 && b.prefix != 0 {
            return a.prefix.cmp(&b.prefix);
        }
        let ka = Key {
            bytes: entries[a.index as usize].0.as_bytes(),
            colon: a.container,
        };
        let kb = Key {
            bytes: entries[b.index as usize].0.as_bytes(),
            colon: b.container,
        };
        let ord = nat_cmp_keys(ka, kb, top);
        if ord == Ordering::Equal {
            *ties = true; // distinct keys (objects have no duplicates) that compare equal
        }
        ord.then_with(|| (ka.bytes, ka.colon).cmp(&(kb.bytes, kb.colon)))
    });
}

/// Hands a scalar's line to the sink, or walks a container. Inlined into its callers, so a
/// scalar child (most of them) costs no call.
#[inline(always)]
fn walk_value<'b, 'a>(
    value: &'a Node<'a>,
    s: &mut Scratch<'b, 'a>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
) -> Result<()> {
    match *value {
        Node::Obj(entries) => {
            let child = Ctx {
                depth: ctx.depth + 1,
                ..ctx
            };
            walk_object(entries, s, child, sink)
        }
        Node::Arr(items) => walk_array(items, s, ctx, sink),
        Node::Str(text) | Node::Num(text) => s.line(sink, text, ctx.nested),
        Node::Bool(true) => s.line(sink, "1", ctx.nested),
        Node::Bool(false) => s.line(sink, "0", ctx.nested),
        Node::Null => s.line(sink, "", ctx.nested),
    }
}

fn walk_array<'b, 'a>(
    items: &'a [Node<'a>],
    s: &mut Scratch<'b, 'a>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
) -> Result<()> {
    if ctx.depth + 1 > MAX_DEPTH {
        return Err(Error::NestingTooDeep(MAX_DEPTH));
    }
    let child = Ctx {
        depth: ctx.depth + 1,
        drop_signature_here: ctx.variant.drop_nested,
        ..ctx
    };
    let base = s.prefix.len();
    let mut index = itoa::Buffer::new();
    // Indices in natural order are numeric order; bytewise they differ from 10 on.
    if ctx.variant.bytes && items.len() > 10 {
        sink.reordered();
        let mut order = Vec::with_capacity(items.len());
        for first in 0..10 {
            indices_bytewise(first, items, &mut order);
        }
        for i in order {
            s.prefix.push_str(index.format(i));
            s.prefix.push(':');
            walk_value(&items[i], s, child, sink)?;
            s.prefix.truncate(base);
        }
        return Ok(());
    }
    for (i, item) in items.iter().enumerate() {
        s.prefix.push_str(index.format(i));
        s.prefix.push(':');
        walk_value(item, s, child, sink)?;
        s.prefix.truncate(base);
    }
    Ok(())
}

/// Whether a child sorts as `key:` among its siblings: it has lines below it. An empty
/// container has none, so where it sorts does not matter.
fn sorts_as_container(value: &Node<'_>) -> bool {
    match value {
        Node::Obj(e) => !e.is_empty(),
        Node::Arr(a) => !a.is_empty(),
        _ => false,
    }
}

/// Appends, in plain byte order of their paths, index `i` of an array and every index whose
/// digits start with `i`'s: `i` itself first (`1` < `10`), or last when it is a container
/// (`1:` > `19`: `:` sorts after the digits). Recursion depth is the number of digits.
fn indices_bytewise(i: usize, items: &[Node<'_>], out: &mut Vec<usize>) {
    let Some(item) = items.get(i) else {
        return;
    };
    let container = sorts_as_container(item);
    if !container {
        out.push(i);
    }
    if i != 0 {
        for digit in 0..10 {
            match i.checked_mul(10).map(|t| t + digit) {
                Some(child) if child < items.len() => indices_bytewise(child, items, out),
                _ => break,
            }
        }
    }
    if container {
        out.push(i);
    }
}

/// Plain byte order of two keys (each with its virtual `:` when a container).
fn byte_cmp_keys(a: Key<'_>, b: Key<'_>) -> Ordering {
    let n = a.bytes.len().min(b.bytes.len());
    a.bytes[..n].cmp(&b.bytes[..n]).then_with(|| {
        // One is a prefix of the other: the virtual `:`s and the lengths decide.
        let (la, lb) = (a.len(), b.len());
        (n..la.min(lb))
            .map(|i| a.at(i).cmp(&b.at(i)))
            .find(|o| o.is_ne())
            .unwrap_or(la.cmp(&lb))
    })
}

impl<'a> Flat<'a> {
    pub(crate) fn new(entries: &'a Entries<'a>, skip: Skip, bump: &Bump) -> Result<Flat<'a>> {
        let mut flat = Flat {
            paths: String::with_capacity(entries.len() * 64),
            lines: Vec::with_capacity(entries.len() * 6),
            ties: false,
        };
        walk(entries, skip, Variant::DOCUMENTED, &mut flat, bump)?;
        Ok(flat)
    }

    fn path(&self, i: u32) -> &str {
        let line = &self.lines[i as usize];
        &self.paths[line.start as usize..line.end as usize]
    }

    fn indices(&self, keep_nested: bool) -> Vec<u32> {
        (0..self.lines.len() as u32)
            .filter(|&i| keep_nested || !self.lines[i as usize].nested_signature)
            .collect()
    }

    /// Lines in natural order (PHP `strnatcmp` on the paths).
    fn natural_order(&self, keep_nested: bool) -> Vec<u32> {
        let mut idx = self.indices(keep_nested);
        if self.ties {
            idx.sort_by(|&a, &b| {
                let (pa, pb) = (self.path(a), self.path(b));
                natural_cmp(pa, pb).then_with(|| pa.cmp(pb))
            });
        }
        idx
    }

    /// Lines in plain byte order of the paths.
    fn byte_order(&self, keep_nested: bool) -> Vec<u32> {
        let mut idx = self.indices(keep_nested);
        idx.sort_by(|&a, &b| self.path(a).cmp(self.path(b)));
        idx
    }

    /// The canonical text of a variant, by a full sort of the lines.
    pub(crate) fn text(&self, variant: Variant) -> String {
        let keep_nested = !variant.drop_nested;
        let order = if variant.bytes {
            self.byte_order(keep_nested)
        } else {
            self.natural_order(keep_nested)
        };
        let mut out = String::with_capacity(self.text_len(&order));
        self.write(&order, |piece| out.push_str(piece));
        out
    }

    fn text_len(&self, order: &[u32]) -> usize {
        order
            .iter()
            .map(|&i| {
                let l = &self.lines[i as usize];
                (l.end - l.start) as usize + l.value.len() + 2
            })
            .sum()
    }

    fn write(&self, order: &[u32], mut sink: impl FnMut(&str)) {
        for (n, &i) in order.iter().enumerate() {
            if n > 0 {
                sink(";");
            }
            sink(self.path(i));
            sink(":");
            sink(self.lines[i as usize].value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The plain definition `sort_prefix` must agree with.
    fn sort_prefix_reference(key: &[u8], colon: bool) -> (u64, bool) {
        let mut p = [0u8; 8];
        let n = key.len().min(8);
        p[..n].copy_from_slice(&key[..n]);
        if colon && n < 8 {
            p[n] = b':';
        }
        let undecided =
            p.iter().any(|&c| c.is_ascii_digit() || c == 1) || p[0] == 0 || key[..n].contains(&0);
        let prefix = if undecided { 0 } else { u64::from_be_bytes(p) };
        (prefix, key.contains(&b':'))
    }

    #[test]
    fn sort_prefix_matches_its_definition() {
        let alphabet = [
            b'a', b'Z', b'0', b'9', b':', b'_', 0, 1, 2, 0x2f, 0x3a, 0x80, 0xff,
        ];
        let mut keys: Vec<Vec<u8>> = vec![Vec::new()];
        // Every key up to 3 bytes over the alphabet, then longer keys built from them.
        for _ in 0..3 {
            let mut next = Vec::new();
            for k in keys
                .iter()
                .filter(|k| k.len() == keys.last().map_or(0, |l| l.len()))
            {
                for &c in &alphabet {
                    let mut k = k.clone();
                    k.push(c);
                    next.push(k);
                }
            }
            keys.extend(next);
        }
        let short = keys.clone();
        for (i, k) in short.iter().enumerate() {
            for pad in ["abcde", "abcdefgh", "xy:zzzzzzz", "1"] {
                let mut long = pad.as_bytes().to_vec();
                long.extend_from_slice(k);
                keys.push(long);
                let mut long = k.clone();
                long.extend_from_slice(pad.as_bytes());
                keys.push(long);
            }
            if i % 7 == 0 {
                keys.push(k.repeat(4));
            }
        }
        assert!(keys.len() > 20_000);
        for key in &keys {
            for colon in [false, true] {
                assert_eq!(
                    sort_prefix(key, colon),
                    sort_prefix_reference(key, colon),
                    "{key:?} colon={colon}"
                );
            }
        }
    }

    /// Every variant's walked text equals the full sort of its lines ([`Flat`]), on keys that
    /// part at a digit, a `:`, a `-` or a length, each as a scalar, an object or a long array.
    #[test]
    fn walked_variants_equal_the_full_sort() {
        let keys = [
            "item1",
            "item10",
            "item2",
            "a",
            "a0",
            "a-",
            "A",
            "x01",
            "x1",
            "signature",
            "k:",
        ];
        let shapes = [
            json!(7),
            json!({"z": 1, "signature": "s"}),
            json!([0, 1, {"q": 2}, 3, 4, 5, 6, 7, 8, 9, [10], 11]),
        ];
        let variants = [
            Variant::DOCUMENTED,
            Variant::NESTED_REMOVED,
            Variant::BYTE_ORDER,
            Variant::BYTE_ORDER_NESTED_REMOVED,
        ];
        let (mut compared, mut unchanged) = (0, 0);
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                for c in &keys[..2] {
                    for (sa, sb, sc) in (0..27).map(|n| (n % 3, n / 3 % 3, n / 9)) {
                        let mut inner = serde_json::Map::new();
                        inner.insert((*a).into(), shapes[sa].clone());
                        inner.insert((*b).into(), shapes[sb].clone());
                        let mut outer = inner.clone();
                        outer.insert((*c).into(), Value::Object(inner.clone()));
                        if sc > 0 {
                            let arr = vec![shapes[sc].clone(); 12];
                            outer.insert("arr".into(), Value::Array(arr));
                        }
                        if sb == 0 && sc == 1 {
                            // Indices of one, two and three digits, each kind of child.
                            let long = (0..123).map(|i| shapes[(i * 7 + sa) % 3].clone());
                            outer.insert("long".into(), long.collect());
                        }
                        let v = Value::Object(outer);
                        let bump = Bump::new();
                        let node = Node::from_value(&v, &bump);
                        let Node::Obj(entries) = node else {
                            unreachable!()
                        };
                        let flat = Flat::new(entries, Skip::Nothing, &bump).unwrap();
                        for variant in variants {
                            let buf = TextBuf::with_capacity_in(64, &bump);
                            let t = Text::of(entries, Skip::Nothing, variant, buf, &bump).unwrap();
                            if t.ties {
                                continue;
                            }
                            assert_eq!(t.text.as_str(), flat.text(variant), "{variant:?} {v}");
                            compared += 1;
                            if variant.bytes && !t.reordered {
                                // Then it need not be hashed: it is its natural-order twin.
                                let twin = Variant {
                                    bytes: false,
                                    ..variant
                                };
                                assert_eq!(t.text.as_str(), flat.text(twin), "{variant:?} {v}");
                                unchanged += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(
            compared > 4_000 && unchanged > 100,
            "{compared} {unchanged}"
        );
    }
}
