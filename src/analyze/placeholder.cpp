#include "analyze/placeholder.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/text.h"

namespace keyhole::analyze {

namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Published documentation keys (AWS, Stripe, Azure emulator, jwt.io...). They are public,
// appear in countless tutorials and tests, and grant nothing.
constexpr std::string_view kDocumentationKeys[] = {
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "ASIAIOSFODNN7EXAMPLE",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "pk_test_6pRNASCoBOKtIshFeQd4XMUh",
    "sk_test_51HxYZ",
    "rk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "xoxb-not-a-real-token-this-will-not-work",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "1234567890:ABCdefGhIJKlmNoPQRsTUVwxyZ",
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    "SG.xxxxxxxxxxxxxxxxxxxxxx",
    "0123456789abcdef0123456789abcdef",
    // OAuth examples of RFC 6749 (sections 4.1-5.1) and RFC 5849 (section 1.2), quoted in
    // every OAuth library's docstrings.
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "0685bd9184jfhq22",
    "ad180jjd733klru7",
    "wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D",
    "kd94hf93k423kf44",
    "pfkkdhi9sl3r4s00",
};

// Markers long or punctuated enough that a random token contains them by chance with
// negligible probability, so a plain substring test is safe.
constexpr std::string_view kLongMarkers[] = {
    "example",  "placeholder", "changeme",   "change_me",  "change-me", "redacted",
    "replaceme", "replace_me", "replace-me", "replace_with", "replace-with", "insert_",
    "insert-",  "your_",       "your-",      "yourapikey", "yourtoken", "yoursecret",
    "dummy",    "notreal",     "not_real",   "not-real",   "not-a-real", "fake_",
    "fake-",    "sample",      "lorem",      "foobar",     "xxxxxx",    "******",
    "......",   "------",      "######",     "123456789",  "abcdefghij", "qwerty",
    "todo_",    "fixme",       "<your",      "enter_",     "enter-your",
};

// Whole values (lower-cased, separators removed) that are stand-ins, not secrets.
constexpr std::string_view kPlaceholderValues[] = {
    "password", "passwd",   "pass",     "pwd",       "secret",     "token",     "apikey",
    "apitoken", "key",      "test",     "testing",   "demo",       "admin",     "root",
    "null",     "none",     "nil",      "undefined", "empty",      "default",   "todo",
    "tbd",      "xxx",      "abc123",   "123456",    "12345678",   "password1", "password123",
    "secret123", "mysecret", "mysecretkey", "mypassword", "supersecret", "secretkey",
    "secretpassword", "mytoken", "myapikey", "letmein", "welcome", "guest",  "s3cr3t",
    "p4ssw0rd", "p@ssw0rd", "pa55word", "foo",      "bar",       "baz",        "qux",
    "secretvalue", "tokenvalue", "apikeyvalue", "clientsecret", "accesstoken", "authtoken",
};

// Words that make up placeholder phrases ("your-api-key-here", "test_secret_123").
constexpr std::string_view kWords[] = {
    "api", "key", "keys", "token", "tokens", "secret", "secrets", "password", "passwd", "pass",
    "pwd", "your", "yours", "my", "our", "here", "goes", "test", "testing", "tests", "demo",
    "fake", "dummy", "sample", "example", "value", "val", "foo", "bar", "baz", "qux", "todo",
    "tbd", "fixme", "none", "null", "nil", "undefined", "empty", "default", "change", "me",
    "replace", "with", "insert", "enter", "put", "set", "xxx", "abc", "access", "auth",
    "client", "id", "app", "user", "username", "admin", "root", "dev", "local", "localhost",
    "prod", "production", "staging", "live", "sk", "pk", "rk", "private", "public", "some",
    "random", "string", "this", "is", "not", "real", "a", "an", "the", "mock", "stub",
    "development", "bearer", "db", "database", "service", "account", "webhook", "url", "pat",
    "new", "old", "generated", "hidden", "invalid", "wrong", "super", "hello", "world",
    "placeholder", "redacted", "of", "for", "and", "to", "in", "on", "secure", "signing",
    "jwt", "session", "private", "stripe", "github", "aws", "slack", "openai",
};

// Of those, the ones that mark a phrase as a placeholder (a phrase of only ordinary words
// like "client-secret" could be a real, if weak, value; "your-client-secret" is not).
constexpr std::string_view kPlaceholderWords[] = {
    "your", "yours", "my", "our", "here", "goes", "test", "testing", "tests", "demo", "fake",
    "dummy", "sample", "example", "foo", "bar", "baz", "qux", "todo", "tbd", "fixme", "none",
    "null", "nil", "undefined", "empty", "change", "replace", "insert", "enter", "xxx",
    "mock", "stub", "some", "random", "placeholder", "redacted", "invalid", "wrong", "not",
};

template <size_t N>
bool InList(std::string_view s, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

// Splits at non-alphanumerics, lower->upper case changes and letter/digit changes:
// "yourApiKey_here2" -> your, Api, Key, here, 2.
std::vector<std::string> Segments(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(AsciiLower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!IsAlnum(c)) {
      flush();
      continue;
    }
    if (!cur.empty()) {
      char p = cur.back();
      bool boundary = (IsLower(p) && IsUpper(c)) || (IsDigit(p) != IsDigit(c));
      if (boundary) flush();
    }
    cur += c;
  }
  flush();
  return out;
}

// True if `s` consists only of dictionary words (plus short numbers) and at least one of
// them marks a placeholder.
bool IsPlaceholderPhrase(std::string_view s) {
  std::vector<std::string> segs = Segments(s);
  if (segs.empty()) return true;  // only punctuation
  bool marker = false;
  for (const std::string& seg : segs) {
    bool digits = std::all_of(seg.begin(), seg.end(), IsDigit);
    if (digits && seg.size() <= 4) continue;
    if (!InList(seg, kWords)) return false;
    if (InList(seg, kPlaceholderWords)) marker = true;
  }
  return marker;
}

// A long run of one character that dominates the value ("aaaaaaaaaaaa", "sk_0000000000").
// Some formats carry a fixed run of their own (X bearer tokens start with 21 'A's), so a
// run counts only when it is most of the value or a typical filler character.
bool HasFillerRun(std::string_view s) {
  size_t run = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    run = s[i] == s[i - 1] ? run + 1 : 1;
    if (run >= 10 && (2 * run >= s.size() || std::string_view("xX*#0.-_").find(s[i]) !=
                                                 std::string_view::npos))
      return true;
  }
  return false;
}

// `<TOKEN>`, `[API_KEY]`, `%s`, `{0}`, `{}`: template slots, not values.
bool IsTemplateSlot(std::string_view s) {
  if (s.size() >= 2 && ((s.front() == '<' && s.back() == '>') ||
                        (s.front() == '[' && s.back() == ']')))
    return true;
  // An embedded slot ("sk_<your key>") names something; generated salts (WordPress keys
  // use the whole printable range) may hold '<' and '>' around arbitrary bytes.
  for (size_t lt = s.find('<'); lt != std::string_view::npos; lt = s.find('<', lt + 1)) {
    size_t gt = s.find('>', lt + 1);
    if (gt == std::string_view::npos) break;
    std::string_view inside = s.substr(lt + 1, gt - lt - 1);
    if (!inside.empty() && inside.size() <= 40 &&
        std::all_of(inside.begin(), inside.end(),
                    [](char c) { return IsAlnum(c) || c == ' ' || c == '_' || c == '-' || c == '.'; }))
      return true;
  }
  return s == "%s" || s == "{}" || s == "{0}" || s == "?";
}

}  // namespace

bool IsPlaceholder(std::string_view secret) {
  if (secret.empty()) return true;
  for (std::string_view doc : kDocumentationKeys) {
    if (Contains(secret, doc)) return true;
  }
  std::string lower = AsciiLower(secret);
  for (std::string_view m : kLongMarkers) {
    if (Contains(lower, m)) return true;
  }
  if (HasFillerRun(secret) || IsTemplateSlot(secret)) return true;
  std::string compact;
  for (char c : lower)
    if (IsAlnum(c)) compact += c;
  if (InList(compact, kPlaceholderValues)) return true;
  // A value made of one repeated character ("aaaa", "0000").
  if (std::all_of(secret.begin(), secret.end(), [&](char c) { return c == secret[0]; }))
    return true;
  return IsPlaceholderPhrase(secret);
}

namespace {

// Where a value is looked up rather than written: env vars, config objects, CI secrets.
constexpr std::string_view kReferencePrefixes[] = {
    "process.env",  "import.meta.env", "os.environ", "os.getenv",  "getenv(",
    "system.getenv", "env(",           "env[",       "env.",       "env::var",
    "environment.getenvironmentvariable", "secrets.", "vars.",     "config.",
    "config[",      "config(",         "settings.",  "self.",      "this.",
    "params.",      "props.",          "context.",   "std::env::var", "viper.get",
    "configuration[", "credentials.",  "args.",      "options.",   "opts.",
};

// Openers of template and interpolation syntaxes.
constexpr std::string_view kInterpolationOpeners[] = {"${", "{{", "{%", "%(", "%{", "#{",
                                                      "$(", "<%", "@{", "[[", "$ENV{"};

// Closers of kInterpolationOpeners, index for index.
constexpr std::string_view kInterpolationClosers[] = {"}", "}}", "%}", ")", "}", "}",
                                                      ")", "%>", "}", "]]", "}"};
static_assert(std::size(kInterpolationOpeners) == std::size(kInterpolationClosers));

// Whether `s` holds an interpolation: an opener, an expression (a name, a path, a call:
// `STRIPE_KEY`, ` .Values.apiKey `, `env('X')`, `cat /run/secrets/db`) and its closer. An
// opener alone is not enough: random secrets (WordPress salts are 64 printable characters)
// contain "#{", "${" or "[[" about one time in twelve, and were dropped as references.
bool HasInterpolation(std::string_view s) {
  auto expression_char = [](char c) {
    return IsAlnum(c) || std::string_view("_.:-[]'\" /|(),=?").find(c) != std::string_view::npos;
  };
  for (size_t k = 0; k < std::size(kInterpolationOpeners); ++k) {
    const std::string_view open = kInterpolationOpeners[k], close = kInterpolationClosers[k];
    for (size_t at = s.find(open); at != std::string_view::npos; at = s.find(open, at + 1)) {
      const size_t inner = at + open.size();
      const size_t end = s.find(close, inner);
      if (end == std::string_view::npos) break;
      std::string_view expr = s.substr(inner, end - inner);
      if (open == "<%" && !expr.empty() && (expr[0] == '=' || expr[0] == '-')) expr.remove_prefix(1);  // ERB
      while (!expr.empty() && expr.front() == ' ') expr.remove_prefix(1);
      while (!expr.empty() && expr.back() == ' ') expr.remove_suffix(1);
      if (expr.empty() || expr.size() > 120) continue;
      if (!IsUpper(expr[0]) && !IsLower(expr[0]) && std::string_view("_.$@'\"{").find(expr[0]) == std::string_view::npos) {
        continue;
      }
      // `${{ secrets.X }}`: the inner braces belong to the expression.
      if (expr[0] == '{') expr = expr.substr(1);
      if (std::all_of(expr.begin(), expr.end(), expression_char)) return true;
    }
  }
  return false;
}

// `$VAR`, `$api_key`, `$env:TOKEN`: a shell/PHP/PowerShell variable, the whole value.
bool IsDollarVariable(std::string_view s) {
  if (s.size() < 2 || s[0] != '$') return false;
  std::string_view name = s.substr(1);
  if (StartsWith(name, "env:") || StartsWith(name, "ENV:")) name.remove_prefix(4);
  if (name.empty() || IsDigit(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsAlnum(c) || c == '_'; });
}

bool IsUpperSnakeIdentifier(std::string_view s) {
  if (s.size() < 3 || !IsUpper(s[0])) return false;
  bool underscore = false;
  for (char c : s) {
    if (c == '_') underscore = true;
    else if (!IsUpper(c) && !IsDigit(c)) return false;
  }
  if (!underscore) return false;
  // Must name a credential-ish thing: API_KEY, STRIPE_SECRET, DB_PASSWORD...
  for (std::string_view w : {"KEY", "TOKEN", "SECRET", "PASS", "PWD", "AUTH", "CRED", "DSN"}) {
    if (Contains(s, w)) return true;
  }
  return false;
}

}  // namespace

bool IsReference(std::string_view secret, std::string_view line) {
  if (secret.empty()) return false;
  if (HasInterpolation(secret)) return true;
  if (Contains(secret, "}}")) return true;
  if (IsDollarVariable(secret)) return true;
  std::string lower = AsciiLower(secret);
  for (std::string_view p : kReferencePrefixes) {
    if (StartsWith(lower, p)) return true;
  }
  if (IsUpperSnakeIdentifier(secret)) return true;

  // The value as written on its line: `${VAR}`, `{{ .Values.token }}`, `$TOKEN`, `%(pw)s`.
  size_t pos = line.find(secret);
  if (pos == std::string_view::npos) return false;
  std::string_view before = line.substr(0, pos);
  std::string_view after = line.substr(pos + secret.size());
  while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
  for (std::string_view o : kInterpolationOpeners) {
    if (before.size() >= o.size() && before.substr(before.size() - o.size()) == o) return true;
  }
  if (!before.empty() && before.back() == '$') return true;
  size_t lb = before.rfind("{{");
  if (lb != std::string_view::npos && before.find("}}", lb) == std::string_view::npos &&
      Contains(after, "}}"))
    return true;
  std::string before_lower = AsciiLower(before);
  for (std::string_view p : {"process.env.", "os.environ[", "os.environ.get(", "os.getenv(",
                             "getenv(", "env[", "env.fetch(", "env("}) {
    if (before_lower.size() >= p.size() &&
        std::string_view(before_lower).substr(before_lower.size() - p.size()) == p)
      return true;
    // Quoted form: os.environ["X"], getenv('X').
    std::string quoted_d = std::string(p) + "\"", quoted_s = std::string(p) + "'";
    for (const std::string& q : {quoted_d, quoted_s}) {
      if (before_lower.size() >= q.size() &&
          std::string_view(before_lower).substr(before_lower.size() - q.size()) == q)
        return true;
    }
  }
  return false;
}

}  // namespace keyhole::analyze
