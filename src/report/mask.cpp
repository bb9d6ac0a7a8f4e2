#include "report/mask.h"

#include <re2/re2.h>

#include <algorithm>
#include <string>

#include "analyze/base64.h"
#include "analyze/wordlike.h"
#include "core/text.h"

namespace keyhole::report {

namespace {

// Secrets of a line whose copies LineMasks() looks for (the finding's own first).
constexpr size_t kMaxCopySearches = 16;

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
// Characters of a token: base64 / base64url / hex / provider-token alphabets. '=' only as
// trailing padding (so `KEY=value` stays two tokens), '.' never (dotted names and JWTs
// split into their segments, which are judged one by one).
bool IsTokenChar(char c) { return IsAlnum(c) || c == '+' || c == '/' || c == '_' || c == '-'; }
bool IsBase64Char(char c) { return IsAlnum(c) || c == '+' || c == '/' || c == '='; }
bool IsBase64UrlChar(char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '='; }

// Lower case, upper case, digits: how many of the three `s` has.
int CharClasses(std::string_view s) {
  bool lower = false, upper = false, digit = false;
  for (char c : s) {
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
    digit |= c >= '0' && c <= '9';
  }
  return int{lower} + int{upper} + int{digit};
}

// A generated value rather than a word, identifier or number.
bool LooksRandomPart(std::string_view t) {
  if (t.size() < 10 || analyze::IsWordShaped(t)) return false;
  int classes = CharClasses(t);
  if (t.size() >= 16) return classes >= 2 && ShannonEntropy(t) >= 3.0;
  return classes == 3 && ShannonEntropy(t) >= 2.8;
}

// The same, for a token that may be a path (`3306/app_production`): one with a `/` is
// generated if a part between slashes is, or if it is a long base64 run as a whole.
bool LooksRandom(std::string_view t) {
  if (t.find('/') == std::string_view::npos) return LooksRandomPart(t);
  for (size_t b = 0; b < t.size();) {
    size_t e = std::min(t.find('/', b), t.size());
    if (LooksRandomPart(t.substr(b, e - b))) return true;
    b = e + 1;
  }
  return t.size() >= 40 && CharClasses(t) == 3 && ShannonEntropy(t) >= 4.0;
}

// `a.b.c`, `getPassword`, `null`: a reference to a value, not a value.
bool IsIdentifierChain(std::string_view v) {
  if (v.empty()) return false;
  bool start = true;
  for (char c : v) {
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
    if (start ? !letter : !(letter || (c >= '0' && c <= '9'))) return false;
    start = false;
  }
  return !start;
}

// The length of a leading `Bearer ` / `Basic ` / `Token ` / `Digest ` (0 if none).
size_t SchemeLength(std::string_view v) {
  for (std::string_view scheme : {"bearer", "basic", "token", "digest"}) {
    if (v.size() > scheme.size() && v[scheme.size()] == ' ' &&
        AsciiLower(v.substr(0, scheme.size())) == scheme) {
      size_t n = scheme.size();
      while (n < v.size() && v[n] == ' ') ++n;
      return n;
    }
  }
  return 0;
}

bool IsPlaceholderStart(std::string_view v) {
  return !v.empty() && (v[0] == '$' || v[0] == '{' || v[0] == '<' || v[0] == '(' || v[0] == '[');
}

// PEM bodies: from the end of a `-----BEGIN …-----` header to its `-----END` (or the end
// of the quoted string or text holding it). One-line JSON keys keep the whole body here.
void AddPemBodies(std::string_view text, std::vector<Span>* out) {
  size_t pos = 0;
  while ((pos = text.find("-----BEGIN ", pos)) != std::string_view::npos) {
    size_t header_end = text.find("-----", pos + 11);
    if (header_end == std::string_view::npos) return;
    size_t body = header_end + 5;
    size_t end = std::min({text.find("-----END", body), text.find('"', body), text.find('\'', body),
                           text.size()});
    if (end > body) out->emplace_back(body, end);
    pos = end;
  }
}

// Runs of token characters that look generated (LooksRandom).
void AddRandomTokens(std::string_view text, std::vector<Span>* out) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsTokenChar(text[i])) {
      ++i;
      continue;
    }
    size_t b = i;
    while (i < text.size() && IsTokenChar(text[i])) ++i;
    const size_t run_end = i;
    while (i < text.size() && i - run_end < 2 && text[i] == '=') ++i;  // base64 padding
    size_t e = run_end;
    while (b < e && text[b] == '/') ++b;
    while (e > b && text[e - 1] == '/') --e;
    if (LooksRandom(text.substr(b, e - b))) out->emplace_back(b, e == run_end ? i : e);
  }
}

// The value after `pos` (a binding's operator and blanks already skipped): a quoted string
// (to its closing quote or the end of the text) or an unquoted run. Empty if none.
Span ValueAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) return {pos, pos};
  char q = text[pos];
  if (q == '"' || q == '\'' || q == '`') {
    size_t close = pos + 1;
    while (close < text.size() && text[close] != q) close += text[close] == '\\' ? 2 : 1;
    return {pos + 1, std::min(close, text.size())};
  }
  static constexpr std::string_view kStop = " \t\r\n\"'`,;&)}]>#<";
  size_t end = text.find_first_of(kStop, pos);
  return {pos, end == std::string_view::npos ? text.size() : end};
}

// Values bound to credential names (`password: "…"`, `"api_key": "…"`, `SECRET=…`,
// `?access_token=…`), Authorization scheme values (`Bearer …`), signature-ish query values.
void AddBoundValues(std::string_view text, std::vector<Span>* out) {
  static const RE2 kBinding(
      R"re((?i)[a-z0-9_.-]*(?:secret|token|passw|pwd|passphrase|api_?key|api-key|access_?key|access-key|private_?key|private-key|credential|auth|signing_?key|session|cookie|hmac|salt)[a-z0-9_.-]*["']?\s*(?:=>|:=|\?=|\+=|=|:)\s*)re");
  static const RE2 kScheme(R"re((?i)\b(?:bearer|basic|token|digest)\s+([A-Za-z0-9._~+/=-]{8,}))re");
  static const RE2 kQuery(R"re((?i)[?&;](?:sig|signature|key|code|pass|pw|x-amz-signature|x-amz-credential)=([^&\s"'`#<>]{4,}))re");
  re2::StringPiece in(text.data(), text.size());
  re2::StringPiece m;
  while (kBinding.Match(in, 0, in.size(), RE2::UNANCHORED, &m, 1)) {
    size_t after = static_cast<size_t>(m.data() + m.size() - text.data());
    Span v = ValueAt(text, after);
    std::string_view value = text.substr(v.first, v.second - v.first);
    bool quoted = v.first > after;
    size_t start = static_cast<size_t>(m.data() - text.data());
    bool query = start > 0 && (text[start - 1] == '?' || text[start - 1] == '&');
    // `Authorization: "Bearer …"`: the scheme is no secret, what follows may be.
    if (size_t scheme = SchemeLength(value)) {
      v.first += scheme;
      value.remove_prefix(scheme);
    }
    bool skip = value.size() < 4 || IsPlaceholderStart(value) ||
                (!quoted && !query && IsIdentifierChain(value));
    if (!skip) out->emplace_back(v.first, v.second);
    size_t next = std::min(std::max(after, v.second), text.size());  // after > match start
    in = re2::StringPiece(text.data() + next, text.size() - next);
  }
  for (const RE2* re : {&kScheme, &kQuery}) {
    in = re2::StringPiece(text.data(), text.size());
    re2::StringPiece value;
    while (RE2::FindAndConsume(&in, *re, &value)) {
      // `Bearer tokens are…` in prose: a plain word is not a credential.
      if (re == &kScheme && std::all_of(value.begin(), value.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
          }) && analyze::IsWordShaped(value)) {
        continue;
      }
      size_t b = static_cast<size_t>(value.data() - text.data());
      out->emplace_back(b, b + value.size());
    }
  }
}

// Quoted literals that are not words, identifiers, paths, URLs or templates.
void AddLiterals(std::string_view text, std::vector<Span>* out) {
  size_t i = 0;
  while (i < text.size()) {
    char q = text[i];
    if (q != '"' && q != '\'' && q != '`') {
      ++i;
      continue;
    }
    Span v = ValueAt(text, i);
    std::string_view lit = text.substr(v.first, v.second - v.first);
    i = std::min(text.size(), v.second + 1);
    if (lit.size() < 6 || IsPlaceholderStart(lit) || lit.find("://") != std::string_view::npos ||
        lit.find_first_of(" \t") != std::string_view::npos || analyze::IsWordShaped(lit)) {
      continue;
    }
    out->emplace_back(v.first, v.second);
  }
}

// Free text (a commit summary): whitespace-separated words that mix three of lower case,
// upper case, digits and punctuation, read random (entropy) and hold a part that is no word
// (`,ku7Lrjoa.u@lO.Wh![Cp…`), unlike branch names and ticket ids (`feature/JIRA-1234-login`).
void AddGeneratedWords(std::string_view text, std::vector<Span>* out) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t b = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    // Without the brackets, quotes and punctuation around it: `(was X),` is X.
    static constexpr std::string_view kAround = "()[]{}<>\"'`,;:.!?";
    size_t e = i;
    while (b < e && kAround.find(text[b]) != std::string_view::npos) ++b;
    while (e > b && kAround.find(text[e - 1]) != std::string_view::npos) --e;
    std::string_view w = text.substr(b, e - b);
    if (w.size() < 16 || w.find("://") != std::string_view::npos) continue;
    bool punct = std::any_of(w.begin(), w.end(), [](char c) { return !IsAlnum(c) && static_cast<unsigned char>(c) < 0x80; });
    if (CharClasses(w) + int{punct} < 3 || ShannonEntropy(w) < 3.5) continue;
    bool random_part = false;
    for (size_t k = 0; k < w.size() && !random_part;) {
      while (k < w.size() && !IsAlnum(w[k])) ++k;
      size_t s = k;
      while (k < w.size() && IsAlnum(w[k])) ++k;
      std::string_view part = w.substr(s, k - s);
      random_part = part.size() >= 4 && CharClasses(part) >= 2 && !analyze::IsWordShaped(part);
    }
    if (random_part) out->emplace_back(b, e);
  }
}


void AddOccurrences(std::string_view text, std::string_view needle, bool (*widen)(char),
                    std::vector<Span>* out) {
  if (needle.empty()) return;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + 1)) {
    size_t b = pos, e = pos + needle.size();
    if (widen) {
      while (b > 0 && widen(text[b - 1])) --b;
      while (e < text.size() && widen(text[e])) ++e;
    }
    out->emplace_back(b, e);
  }
}

}  // namespace

std::vector<Span> SecretLikeSpans(std::string_view text, bool literals) {
  std::vector<Span> out;
  AddPemBodies(text, &out);
  AddRandomTokens(text, &out);
  AddBoundValues(text, &out);
  if (literals) AddLiterals(text, &out);
  return out;
}

void AddCopies(std::string_view text, std::string_view secret, std::vector<Span>* out) {
  if (secret.size() < 4 || text.size() < 4) return;
  AddOccurrences(text, secret, nullptr, out);
  if (secret.size() < 8) return;
  // Base64 of the secret at each alignment inside a longer blob: the characters that
  // encode the secret's bytes alone (a group shared with a neighbour byte is left out).
  for (bool url : {false, true}) {
    for (size_t r = 0; r < 3; ++r) {
      std::string padded(r, '\0');
      padded.append(secret);
      std::string enc = analyze::Base64Encode(padded, url);
      size_t begin = r > 0 ? 4 : 0;
      size_t end = 4 * (padded.size() / 3);
      if (end < begin + 8) continue;
      AddOccurrences(text, std::string_view(enc).substr(begin, end - begin),
                     url ? IsBase64UrlChar : IsBase64Char, out);
    }
  }
  static constexpr std::string_view kHexUpper = "0123456789ABCDEF", kHexLower = "0123456789abcdef";
  for (std::string_view hex : {kHexUpper, kHexLower}) {
    std::string pe;
    for (unsigned char c : secret) {
      if (IsAlnum(static_cast<char>(c)) || c == '-' || c == '.' || c == '_' || c == '~') {
        pe += static_cast<char>(c);
      } else {
        pe += '%';
        pe += hex[c >> 4];
        pe += hex[c & 0xF];
      }
    }
    if (pe != secret) AddOccurrences(text, pe, nullptr, out);
  }
}

bool SpanIsContext(const findings::Finding& f) {
  return f.category == "transport" || f.rule_id == "client-side-jwt-signing" ||
         (f.facts.is_object() && f.facts.contains("client_signing"));
}

void MergeSpans(std::vector<Span>* spans) {
  std::sort(spans->begin(), spans->end());
  std::vector<Span> merged;
  for (const Span& s : *spans) {
    if (s.first >= s.second) continue;
    if (!merged.empty() && s.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  *spans = std::move(merged);
}

std::vector<Span> LineMasks(const findings::Finding& f) {
  std::string_view line = f.line;
  size_t b = std::min<size_t>(f.line_secret_begin, line.size());
  size_t e = std::clamp<size_t>(f.line_secret_end, b, line.size());
  std::vector<Span> spans = SecretLikeSpans(line, SpanIsContext(f));
  std::vector<std::string_view> secrets = {f.secret, line.substr(b, e - b)};
  for (auto [mb, me] : f.line_masks) {
    size_t cb = std::min<size_t>(mb, line.size());
    size_t ce = std::clamp<size_t>(me, cb, line.size());
    spans.emplace_back(cb, ce);
    // Copies of the neighbours' secrets: of the first few only, so a minified line with
    // hundreds of findings stays linear (its spans are masked all the same, and random
    // blobs by shape).
    if (secrets.size() < kMaxCopySearches) secrets.push_back(line.substr(cb, ce - cb));
  }
  std::sort(secrets.begin(), secrets.end());
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
  for (std::string_view s : secrets) AddCopies(line, s, &spans);
  MergeSpans(&spans);
  return spans;
}

std::string ApplyMasks(std::string_view text, const std::vector<Span>& spans) {
  std::string out;
  size_t pos = 0;
  for (auto [b, e] : spans) {
    b = std::clamp(b, pos, text.size());
    e = std::clamp(e, b, text.size());
    if (b == e) continue;
    out.append(text.substr(pos, b - pos));
    out += findings::Redact(std::string(text.substr(b, e - b)));
    pos = e;
  }
  out.append(text.substr(pos));
  return out;
}

std::string MaskText(std::string_view text, const findings::Finding& f) {
  std::vector<Span> spans = SecretLikeSpans(text);
  AddGeneratedWords(text, &spans);
  AddCopies(text, f.secret, &spans);
  std::string_view line = f.line;
  size_t searched = 0;
  for (auto [mb, me] : f.line_masks) {
    if (++searched > kMaxCopySearches) break;
    if (mb < me && me <= line.size()) AddCopies(text, line.substr(mb, me - mb), &spans);
  }
  MergeSpans(&spans);
  return ApplyMasks(text, spans);
}

}  // namespace keyhole::report
