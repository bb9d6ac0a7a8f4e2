#include "analyze/context.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>

#include "analyze/placeholder.h"
#include "analyze/wordlike.h"
#include "core/text.h"

namespace keyhole::analyze {

extern const char* const kContextModelText;  // generated from models/context.model

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool IsLowerAscii(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpperAscii(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigitAscii(char c) { return c >= '0' && c <= '9'; }
bool IsAlnumAscii(char c) { return IsLowerAscii(c) || IsUpperAscii(c) || IsDigitAscii(c); }

// The lower-case segments of a name: split at non-alphanumerics and camelCase humps
// (`cfg.Net.SASL.GSSAPI.Password` -> cfg net sasl gssapi password; `apiKey` -> api key).
std::vector<std::string> Segments(std::string_view name) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(Lower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsAlnumAscii(c)) {
      flush();
      continue;
    }
    if (!cur.empty() && IsUpperAscii(c)) {
      char p = cur.back();
      bool next_lower = i + 1 < name.size() && IsLowerAscii(name[i + 1]);
      if (IsLowerAscii(p) || IsDigitAscii(p) || (IsUpperAscii(p) && next_lower)) flush();
    }
    cur += c;
    if (out.size() > 16) break;
  }
  flush();
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool Contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

template <size_t N>
bool In(std::string_view s, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), s) != std::end(words);
}

bool IsPasswordSegment(std::string_view s) {
  if (Contains(s, "passw") || Contains(s, "pwd") || Contains(s, "passphr")) return true;
  static constexpr std::string_view kNotPass[] = {
      "bypass", "compass", "surpass", "trespass", "overpass", "underpass", "passthru", "passthrough"};
  if (In(s, kNotPass)) return false;
  if (s == "pass" || s == "pw" || s == "pword" || s == "passcode" || s == "passkey") return true;
  if (EndsWith(s, "pass") && s.size() <= 12) return true;  // dbpass, sespass, sudopass
  static constexpr std::string_view kOther[] = {"senha", "contrasena", "parol", "motdepasse"};
  return In(s, kOther);
}

bool IsKeySegment(std::string_view s) {
  if (s == "key" || s == "keys") return true;
  static constexpr std::string_view kWords[] = {
      "monkey", "donkey", "turkey", "hockey", "jockey", "whiskey", "hotkey", "turnkey", "passkey"};
  if (In(s, kWords)) return false;
  return (EndsWith(s, "key") || EndsWith(s, "keys")) && s.size() <= 16;
}

struct NameFacts {
  bool pass = false, secret = false, token = false, key = false, auth = false, cred = false,
       salt = false, otp = false, hmac = false, api = false, access = false, priv = false,
       client = false, pub = false, id_last = false, user = false, url = false, hash = false,
       meta = false, kw_last = false, plural = false;
  int segments = 0;
};

NameFacts AnalyzeName(std::string_view name) {
  NameFacts f;
  std::vector<std::string> segs = Segments(name);
  f.segments = static_cast<int>(segs.size());
  static constexpr std::string_view kUser[] = {
      "user", "username", "login", "email", "mail", "account", "uname", "usr", "owner"};
  static constexpr std::string_view kUrl[] = {
      "url",  "uri",  "endpoint", "host",   "hostname", "domain", "server", "address",
      "addr", "path", "file",     "filename", "dir",    "folder", "location", "link",
      "href", "route", "redirect", "callback", "issuer", "audience", "scope", "realm"};
  static constexpr std::string_view kHash[] = {
      "hash", "hashed", "digest", "checksum", "sha", "sha1", "sha256", "md5",
      "encrypted", "enc", "crypt", "bcrypt", "fingerprint", "thumbprint"};
  static constexpr std::string_view kMeta[] = {
      "type",     "length",   "len",       "size",       "count",    "max",      "min",
      "field",    "label",    "placeholder", "hint",     "prompt",   "message",  "msg",
      "error",    "err",      "text",      "title",      "desc",     "description", "regex",
      "regexp",   "pattern",  "format",    "template",   "enabled",  "enable",   "required",
      "mode",     "policy",   "expire",    "expires",    "expiry",   "expiration", "timeout",
      "ttl",      "header",   "headers",   "param",      "params",   "validator", "validation",
      "rule",     "rules",    "class",     "method",     "provider", "manager",  "service",
      "store",    "input",    "form",      "reset",      "forgot",   "confirm",  "confirmation",
      "strength", "flag",     "option",    "options",    "name",     "names",    "prefix",
      "suffix",   "version",  "index",     "idx",        "status",   "state",    "cache",
      "request",  "response", "req",       "res",        "column",   "col",      "attr",
      "attribute", "property", "prop",     "event",      "handler",  "func",     "fn",
      "test",     "mock",     "fake",      "dummy",      "example",  "sample",   "kind",
      "generator", "factory", "builder",   "helper",     "util",     "utils",    "env"};
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& s = segs[i];
    bool cred_word = false;
    if (IsPasswordSegment(s)) f.pass = cred_word = true;
    if (Contains(s, "secret")) f.secret = cred_word = true;
    if (Contains(s, "token") && !Contains(s, "tokeniz")) f.token = cred_word = true;
    if (IsKeySegment(s)) f.key = cred_word = true;
    if (Contains(s, "auth") && !StartsWith(s, "author")) f.auth = cred_word = true;
    if (StartsWith(s, "cred")) f.cred = cred_word = true;
    if (s == "salt" || s == "nonce" || s == "seed" || s == "pepper") f.salt = cred_word = true;
    if (s == "otp" || s == "totp" || s == "hotp" || s == "mfa" || s == "2fa") f.otp = cred_word = true;
    if (s == "hmac" || s == "jwt" || s == "bearer" || s == "signing") f.hmac = cred_word = true;
    if (s == "api" || StartsWith(s, "api")) f.api = true;
    if (s == "access") f.access = true;
    if (s == "private" || s == "priv") f.priv = true;
    if (s == "client" || s == "consumer" || s == "app") f.client = true;
    if (s == "public" || s == "pub" || s == "publishable") f.pub = true;
    if (In(s, kUser)) f.user = true;
    if (In(s, kUrl)) f.url = true;
    if (In(s, kHash)) f.hash = true;
    if (In(s, kMeta)) f.meta = true;
    if (i + 1 == segs.size()) {
      f.kw_last = cred_word;
      f.id_last = s == "id" || s == "ids" || s == "uuid" || s == "guid" || s == "sid";
      f.plural = cred_word && s.size() > 1 && s.back() == 's' && s != "pass" && !EndsWith(s, "ss");
    }
  }
  return f;
}

enum FileKind { kKindCode = 0, kKindConfig, kKindDoc, kKindScript, kKindData, kKindXml, kKindOther, kFileKindCount };

bool IsHexDigit(char c) {
  return IsDigitAscii(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsUuid(std::string_view v) {
  if (v.size() >= 2 && v.front() == '{' && v.back() == '}') v = v.substr(1, v.size() - 2);
  if (v.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !IsHexDigit(v[i])) return false;
  }
  return true;
}

bool IsTemplate(std::string_view v) {
  return Contains(v, "${") || Contains(v, "{{") || Contains(v, "%s") || Contains(v, "%(") ||
         Contains(v, "<%") || Contains(v, "#{") || Contains(v, "$(") ||
         (v.size() >= 2 && v.front() == '<' && v.back() == '>') ||
         (v.size() >= 2 && v.front() == '{' && v.back() == '}') ||
         (v.size() >= 2 && v.front() == '[' && v.back() == ']') ||
         (v.size() >= 2 && v.front() == '%' && v.back() == '%');
}

bool IsVersion(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == 'v' || v[i] == 'V')) ++i;
  int dots = 0;
  bool digit = false;
  for (; i < v.size(); ++i) {
    if (IsDigitAscii(v[i])) {
      digit = true;
    } else if (v[i] == '.' && digit) {
      ++dots;
      digit = false;
    } else {
      return false;
    }
  }
  return dots >= 1 && digit;
}

bool IsIdentifier(std::string_view v) {
  if (v.empty() || IsDigitAscii(v[0])) return false;
  for (char c : v) {
    if (!IsAlnumAscii(c) && c != '_' && c != '$') return false;
  }
  return true;
}

// word(.word)+ or word::word or word->word: a reference into code.
bool IsDottedRef(std::string_view v) {
  bool sep = false;
  size_t seg_letters = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '.' || (c == ':' && i + 1 < v.size() && v[i + 1] == ':') ||
        (c == '-' && i + 1 < v.size() && v[i + 1] == '>')) {
      if (seg_letters == 0) return false;
      sep = true;
      seg_letters = 0;
      if (c != '.') ++i;
      continue;
    }
    if (!IsAlnumAscii(c) && c != '_' && c != '$' && c != '@') return false;
    if (!IsDigitAscii(c)) ++seg_letters;
  }
  return sep && seg_letters > 0;
}

bool LineHasAny(std::string_view lower_line, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (Contains(lower_line, w)) return true;
  }
  return false;
}

}  // namespace

NameClass ClassifyName(std::string_view name) {
  NameFacts f = AnalyzeName(name);
  if (f.pass) return NameClass::kPassword;
  if (f.secret || f.token || f.key || f.auth || f.cred || f.salt || f.otp || f.hmac) {
    return NameClass::kSecret;
  }
  return NameClass::kNone;
}

FileFacts ClassifyPath(std::string_view path_in) {
  FileFacts ff;
  std::string path = "/" + Lower(path_in);
  size_t slash = path.rfind('/');
  std::string_view base = std::string_view(path).substr(slash + 1);
  size_t dot = base.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view() : base.substr(dot + 1);
  static constexpr std::string_view kCode[] = {
      "c",   "h",    "cc",   "cpp",  "cxx", "hpp",   "cs",     "java",  "kt",   "kts",  "scala",
      "go",  "rs",   "swift", "m",   "mm",  "js",    "jsx",    "ts",    "tsx",  "mjs",  "cjs",
      "vue", "svelte", "py", "rb",   "php", "pl",    "pm",     "lua",   "dart", "groovy", "gradle",
      "r",   "ex",   "exs",  "erl",  "clj", "fs",    "vb",     "erb",   "ejs",  "jsp",  "aspx"};
  static constexpr std::string_view kConfig[] = {
      "yml", "yaml", "json", "toml", "ini",    "cfg",  "conf", "properties", "env", "tfvars",
      "tf",  "hcl",  "cnf",  "rsp",  "config", "npmrc", "pypirc", "netrc", "jsonc", "json5"};
  static constexpr std::string_view kDoc[] = {"md",  "rst", "txt", "adoc", "html",
                                                           "htm", "tex", "ipynb", "mdx"};
  static constexpr std::string_view kScript[] = {
      "sh", "bash", "zsh", "ps1", "psm1", "bat", "cmd", "mk", "fish", "dockerfile"};
  static constexpr std::string_view kData[] = {"sql", "csv", "har", "log", "snap", "tsv"};
  static constexpr std::string_view kXmlExt[] = {"xml",  "plist", "xaml", "resx",
                                                              "csproj", "svg", "xsd", "wsdl"};
  if (In(ext, kCode)) ff.kind = kKindCode;
  else if (In(ext, kConfig) || StartsWith(base, ".env")) ff.kind = kKindConfig;
  else if (In(ext, kDoc)) ff.kind = kKindDoc;
  else if (In(ext, kScript) || StartsWith(base, "dockerfile") || StartsWith(base, "makefile")) ff.kind = kKindScript;
  else if (In(ext, kData)) ff.kind = kKindData;
  else if (In(ext, kXmlExt)) ff.kind = kKindXml;
  else ff.kind = kKindOther;
  ff.test = Contains(path, "/test") || Contains(path, "/spec") || Contains(path, "_test.") ||
            Contains(path, ".test.") || Contains(path, "/fixture") || Contains(path, "testdata");
  ff.doc = Contains(path, "/doc") || ff.kind == kKindDoc;
  ff.example = Contains(path, "example") || Contains(path, "sample") || Contains(path, "demo") ||
               Contains(path, "mock") || Contains(path, "fake") || Contains(path, "dummy");
  return ff;
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> kNames = {
      "n_pass", "n_secret", "n_token", "n_key", "n_auth", "n_cred", "n_salt", "n_otp", "n_hmac",
      "n_api", "n_access", "n_private", "n_client", "n_public", "n_id_last", "n_user", "n_url",
      "n_hash", "n_meta", "n_kw_last", "n_plural", "n_segments", "n_len", "n_upper", "n_flag",
      "n_dotted", "n_sigil",
      "k_assign", "k_colon", "k_arrow", "k_compare", "k_call", "k_flag", "k_xml", "k_space",
      "k_instring", "arg_index",
      "v_quoted", "v_backtick", "v_code_after", "v_len", "v_entropy", "v_frac_upper",
      "v_frac_lower", "v_frac_digit", "v_frac_special", "v_classes", "v_hex", "v_uuid", "v_b64",
      "v_space", "v_wordlike", "v_wordshaped", "v_placeholder", "v_reference", "v_identifier",
      "v_case_words", "v_dotted", "v_path", "v_url", "v_email", "v_repeat", "v_starts_special",
      "v_template", "v_number", "v_version", "v_has_name_word", "v_common", "v_padding",
      "v_bool_null", "v_masked", "v_starts_upper", "v_digit_run", "v_letter_pairs", "v_letter_run",
      "l_len", "l_comment", "l_bindings", "l_assert", "l_example", "l_html_input", "l_def",
      "l_print", "l_value_pos",
      "f_code", "f_config", "f_doc", "f_script", "f_data", "f_xml", "f_other", "f_test",
      "f_doc_path", "f_example"};
  return kNames;
}

LineFeatures LineFeaturesOf(std::string_view line) {
  LineFeatures lf;
  std::string ll = Lower(line.substr(0, std::min<size_t>(line.size(), 2048)));
  lf.length = static_cast<double>(line.size());
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::string_view rest = line.substr(i);
  lf.comment = StartsWith(rest, "#") || StartsWith(rest, "//") || StartsWith(rest, "--") ||
               StartsWith(rest, "* ") || StartsWith(rest, "/*") || StartsWith(rest, ";") ||
               StartsWith(rest, "<!--") || StartsWith(rest, "rem ");
  lf.assert_ = LineHasAny(ll, {"assert", "expect(", "should", ".equal", "mock"});
  lf.example = LineHasAny(ll, {"example", "e.g.", "your_", "your-", "<your", "sample", "dummy", "xxxx"});
  lf.html_input = LineHasAny(ll, {"<input", "type=\"password\"", "type='password'", "placeholder"});
  lf.def = LineHasAny(ll, {"def ", "function ", "func ", "fn ", "void ", "public ", "private "});
  lf.print = LineHasAny(ll, {"print", "log.", "logger", "console.", "echo ", "puts ", "printf"});
  return lf;
}

std::vector<float> Features(const Binding& b, std::string_view line, const FileFacts& file,
                            const LineFeatures* line_features) {
  std::vector<float> x;
  x.reserve(FeatureNames().size());
  auto add = [&](double v) { x.push_back(static_cast<float>(v)); };
  NameFacts n = AnalyzeName(b.name);
  add(n.pass); add(n.secret); add(n.token); add(n.key); add(n.auth); add(n.cred); add(n.salt);
  add(n.otp); add(n.hmac); add(n.api); add(n.access); add(n.priv); add(n.client); add(n.pub);
  add(n.id_last); add(n.user); add(n.url); add(n.hash); add(n.meta); add(n.kw_last); add(n.plural);
  add(n.segments);
  add(static_cast<double>(b.name.size()));
  bool name_upper = !b.name.empty() &&
                    std::none_of(b.name.begin(), b.name.end(), [](char c) { return IsLowerAscii(c); });
  add(name_upper);
  add(!b.name.empty() && (b.name[0] == '-' || b.name[0] == '/'));
  add(Contains(b.name, "."));
  add(!b.name.empty() && (b.name[0] == '$' || b.name[0] == '@'));

  for (int k = 0; k < static_cast<int>(BindingKind::kCount); ++k) {
    add(static_cast<int>(b.kind) == k);
  }
  add(b.arg_index);

  std::string_view v = line.substr(b.value_begin, b.value_end - b.value_begin);
  add(b.quote != 0);
  add(b.quote == '`');
  add(b.code_after);
  add(static_cast<double>(v.size()));
  add(ShannonEntropy(v));
  size_t up = 0, lo = 0, dg = 0, sp = 0, spaces = 0;
  std::array<int, 256> counts{};
  for (char c : v) {
    ++counts[static_cast<unsigned char>(c)];
    if (IsUpperAscii(c)) ++up;
    else if (IsLowerAscii(c)) ++lo;
    else if (IsDigitAscii(c)) ++dg;
    else if (c == ' ') ++spaces;
    else ++sp;
  }
  double len = std::max<size_t>(v.size(), 1);
  add(up / len); add(lo / len); add(dg / len); add(sp / len);
  add((up > 0) + (lo > 0) + (dg > 0) + (sp > 0));
  add(v.size() >= 16 && std::all_of(v.begin(), v.end(), IsHexDigit));
  add(IsUuid(v));
  add(!v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return IsAlnumAscii(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
  }));
  add(spaces > 0);
  add(WordLikeness(v));
  add(IsWordShaped(v));
  add(IsPlaceholder(v));
  add(IsReference(v, line));
  add(IsIdentifier(v));
  bool case_words = IsIdentifier(v) && ((lo > 0 && up > 0) || Contains(v, "_")) && dg <= 2;
  add(case_words);
  add(IsDottedRef(v));
  add(StartsWith(v, "/") || StartsWith(v, "./") || StartsWith(v, "~/") || StartsWith(v, "../") ||
      (v.size() > 2 && v[1] == ':' && v[2] == '\\'));
  add(Contains(v, "://"));
  add(Contains(v, "@") && Contains(v, ".") && !Contains(v, " "));
  int maxc = *std::max_element(counts.begin(), counts.end());
  add(maxc / len);
  add(!v.empty() && (v[0] == '$' || v[0] == '%' || v[0] == '{' || v[0] == '<' || v[0] == '@' ||
                     v[0] == ':' || v[0] == '&' || v[0] == '*' || v[0] == '#' || v[0] == '!'));
  add(IsTemplate(v));
  add(!v.empty() && dg == v.size());
  add(IsVersion(v));
  std::string vl = Lower(v);
  {
    bool has = false;
    for (const std::string& s : Segments(b.name)) {
      if (s.size() >= 3 && Contains(vl, s)) has = true;
    }
    for (std::string_view w : {"pass", "secret", "token", "key", "auth"}) {
      if (Contains(vl, w)) has = true;
    }
    add(has);
  }
  static constexpr std::string_view kCommon[] = {
      "password", "secret", "changeme", "test",   "admin",   "root",     "pass",     "123456",
      "qwerty",   "letmein", "default", "string", "required", "optional", "undefined", "empty",
      "token",    "key",    "foo",     "bar",    "foobar",  "abc123",   "12345678", "guest",
      "user",     "demo",   "hunter2", "passw0rd", "p@ssw0rd", "value"};
  add(In(std::string_view(vl), kCommon));
  add(EndsWith(v, "="));
  add(vl == "true" || vl == "false" || vl == "null" || vl == "none" || vl == "nil" ||
      vl == "undefined" || vl == "yes" || vl == "no");
  add(!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c == '*' || c == 'x' || c == 'X' || c == '.'; }));
  add(!v.empty() && IsUpperAscii(v[0]));
  {
    size_t run = 0, best = 0;
    for (char c : v) {
      run = IsDigitAscii(c) ? run + 1 : 0;
      best = std::max(best, run);
    }
    add(static_cast<double>(best));
  }
  {
    // WordLikeness is 1.0 without letter pairs: say how many there are, and the longest
    // letter run, so short fragments between digits and symbols are not taken for words.
    size_t pairs = 0, run = 0, best = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      bool letter = IsLowerAscii(v[i]) || IsUpperAscii(v[i]);
      run = letter ? run + 1 : 0;
      best = std::max(best, run);
      if (letter && i + 1 < v.size() && (IsLowerAscii(v[i + 1]) || IsUpperAscii(v[i + 1]))) ++pairs;
    }
    add(static_cast<double>(pairs));
    add(static_cast<double>(best));
  }

  const LineFeatures computed = line_features ? LineFeatures{} : LineFeaturesOf(line);
  const LineFeatures& lf = line_features ? *line_features : computed;
  add(lf.length);
  add(lf.comment);
  add(0);  // l_bindings: filled in by the caller (it knows the line's bindings)
  add(lf.assert_);
  add(lf.example);
  add(lf.html_input);
  add(lf.def);
  add(lf.print);
  add(line.empty() ? 0.0 : static_cast<double>(b.value_begin) / static_cast<double>(line.size()));

  for (int k = 0; k < kFileKindCount; ++k) add(file.kind == k);
  add(file.test);
  add(file.doc);
  add(file.example);
  return x;
}

bool PolicyShapedLiteral(const Binding& b, std::string_view line) {
  if (b.code_after || b.kind == BindingKind::kCompare || b.kind == BindingKind::kCallArg) return false;
  NameFacts n = AnalyzeName(b.name);
  if (!n.kw_last || n.hash || n.pub) return false;
  std::string_view v = line.substr(b.value_begin, b.value_end - b.value_begin);
  if (v.size() < 8 || v.size() > 32 || v[0] == '$') return false;
  bool up = false, lo = false, dg = false, sym = false;
  for (char c : v) {
    if (IsUpperAscii(c)) up = true;
    else if (IsLowerAscii(c)) lo = true;
    else if (IsDigitAscii(c)) dg = true;
    else if (c == ' ' || c == '\t' || c == '\\' || c == '[' || c == '(' || c == '{') return false;
    // Symbols of base64, base64url and identifiers say "encoded", not "chosen".
    else if (c != '+' && c != '/' && c != '=' && c != '_' && c != '-' && c != '.') sym = true;
  }
  if (!(up && lo && dg && sym)) return false;
  return !IsPlaceholder(v) && !IsReference(v, line) && !IsTemplate(v) && !Contains(v, "://");
}

namespace {

struct Node {
  int feature = -1;  // -1: leaf
  float threshold = 0;
  int yes = 0, no = 0;
  float value = 0;
};

struct Model {
  std::string error;
  double threshold = 0.5;
  double base_margin = 0;
  std::vector<std::vector<Node>> trees;
  // rest_max[i] / rest_min[i]: the most / least trees i.. can still add to the margin, so
  // a candidate that cannot reach the threshold stops being scored early.
  std::vector<double> rest_max, rest_min;
};

Model LoadModel() {
  Model m;
  std::istringstream in(kContextModelText);
  std::string tag;
  int version = 0;
  if (!(in >> tag >> version) || tag != "keyhole-context-model" || version != 1) {
    m.error = "not a keyhole-context-model 1 file";
    return m;
  }
  size_t nfeat = 0;
  in >> tag >> m.threshold >> tag >> m.base_margin >> tag >> nfeat;
  const std::vector<std::string>& names = FeatureNames();
  if (nfeat != names.size()) {
    m.error = "the model has " + std::to_string(nfeat) + " features, the code " +
              std::to_string(names.size());
    return m;
  }
  for (size_t i = 0; i < nfeat; ++i) {
    std::string f, name;
    in >> f >> name;
    if (name != names[i]) {
      m.error = "feature " + std::to_string(i) + " is '" + name + "' in the model, '" + names[i] +
                "' in the code";
      return m;
    }
  }
  size_t ntrees = 0;
  in >> tag >> ntrees;
  for (size_t t = 0; t < ntrees && in; ++t) {
    size_t nnodes = 0;
    in >> tag >> nnodes;
    std::vector<Node> nodes(nnodes);
    for (size_t k = 0; k < nnodes && in; ++k) {
      std::string kind;
      size_t id = 0;
      in >> kind >> id;
      if (id >= nnodes) {
        m.error = "node id out of range";
        return m;
      }
      Node& node = nodes[id];
      if (kind == "n") {
        in >> node.feature >> node.threshold >> node.yes >> node.no;
        if (node.feature < 0 || static_cast<size_t>(node.feature) >= nfeat || node.yes < 0 ||
            node.no < 0 || static_cast<size_t>(node.yes) >= nnodes ||
            static_cast<size_t>(node.no) >= nnodes) {
          m.error = "bad split node";
          return m;
        }
      } else {
        in >> node.value;
      }
    }
    m.trees.push_back(std::move(nodes));
  }
  if (!in) m.error = "the model file is truncated";
  m.rest_max.assign(m.trees.size() + 1, 0.0);
  m.rest_min.assign(m.trees.size() + 1, 0.0);
  for (size_t t = m.trees.size(); t-- > 0;) {
    double hi = -1e300, lo = 1e300;
    for (const Node& node : m.trees[t]) {
      if (node.feature >= 0) continue;
      hi = std::max(hi, static_cast<double>(node.value));
      lo = std::min(lo, static_cast<double>(node.value));
    }
    if (hi < lo) hi = lo = 0;  // no leaf: cannot happen in a valid model
    m.rest_max[t] = m.rest_max[t + 1] + hi;
    m.rest_min[t] = m.rest_min[t + 1] + lo;
  }
  return m;
}

const Model& TheModel() {
  static const Model m = LoadModel();
  return m;
}

}  // namespace

namespace {

// The model's margin for `x`; nullopt as soon as it can no longer reach `target` (pass
// -infinity to always get it).
std::optional<double> Margin(const Model& m, const std::vector<float>& x, double target) {
  double margin = m.base_margin;
  for (size_t t = 0; t < m.trees.size(); ++t) {
    if (margin + m.rest_max[t] < target) return std::nullopt;
    const std::vector<Node>& tree = m.trees[t];
    size_t id = 0;
    for (int steps = 0; steps < 64 && tree[id].feature >= 0; ++steps) {
      const Node& node = tree[id];
      id = static_cast<size_t>(x[static_cast<size_t>(node.feature)] < node.threshold ? node.yes : node.no);
    }
    margin += tree[id].value;
  }
  return margin;
}

double Sigmoid(double margin) { return 1.0 / (1.0 + std::exp(-margin)); }

}  // namespace

double ContextScore(const std::vector<float>& x) {
  const Model& m = TheModel();
  if (!m.error.empty()) return 0.0;
  return Sigmoid(*Margin(m, x, -std::numeric_limits<double>::infinity()));
}

double ContextScoreIfReaches(const std::vector<float>& x, double threshold) {
  const Model& m = TheModel();
  if (!m.error.empty()) return 0.0;
  if (threshold <= 0.0 || threshold >= 1.0) return ContextScore(x);
  std::optional<double> margin = Margin(m, x, std::log(threshold / (1.0 - threshold)));
  return margin ? Sigmoid(*margin) : 0.0;
}

double ContextThreshold() { return TheModel().threshold; }

std::string ContextModelError() { return TheModel().error; }

}  // namespace keyhole::analyze
