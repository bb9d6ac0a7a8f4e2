#!/usr/bin/env python3
"""Generates the labeled precision/recall corpus for keyhole (issue 5 item 7).

Writes realistic project trees (Node/Express, Next.js, Flask, Django, Go, Spring, Rails,
PHP/WordPress, Android, iOS, infra, docs) under OUT/tree/ with FAKE secrets planted among
ordinary code, plus look-alikes that must not be reported, and OUT/labels.json: a list of
{path, line, category, kind, note} where kind is "secret", "lookalike" or "info-expected"
(publishable-by-design keys that keyhole must report at `info` severity, if at all) and
`line` is the 1-based line where the item starts (a PEM block: its BEGIN line).

Everything is random but deterministic given --seed (key material included: keygen.py is
pure Python). Labels never contain secret text. stdlib only.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import string
import sys
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keygen  # noqa: E402

CATEGORIES = ["jwt", "signing-key", "private-key", "provider", "database", "frontend", "generic",
              "encoded", "credential-file", "http-bearer"]

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"

NOUNS = ["order", "invoice", "customer", "payment", "product", "cart", "session", "account", "report",
         "shipment", "inventory", "coupon", "review", "notification", "subscription", "profile", "team",
         "project", "task", "comment", "upload", "webhook", "audit", "metric", "warehouse", "ticket",
         "booking", "refund", "catalog", "region", "tenant", "device", "message", "channel", "label"]
VERBS = ["get", "create", "update", "delete", "list", "fetch", "sync", "validate", "render", "build",
         "parse", "load", "save", "compute", "format", "handle", "resolve", "archive", "export", "import"]
ADJ = ["pending", "active", "archived", "draft", "expired", "failed", "queued", "verified", "primary"]
HOSTS = ["orders", "billing", "ledger", "inventory", "catalog", "search", "notify", "reports", "auth",
         "media", "shipping", "pricing"]
ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "wayne", "stark", "tyrell"]


class Gen:
    """Random values. One instance per corpus, so the whole corpus follows from the seed."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def s(self, n, alphabet=ALNUM):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    def hexs(self, n):
        return self.s(n, HEX)

    def uuid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def b64bytes(self, n):
        return base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(n))).decode()

    def password(self, n=None):
        n = n or self.r.randint(16, 28)
        while True:
            # No '%' (configparser interpolation in .pypirc), no leading symbol (unquoted YAML).
            p = self.s(1) + self.s(n - 1, ALNUM + "!#^*-_=+.")
            if sum(c.isdigit() for c in p) >= 2 and sum(c.isupper() for c in p) >= 2 \
                    and sum(c.islower() for c in p) >= 2:
                return p

    def url_password(self, n=None):
        n = n or self.r.randint(14, 24)
        while True:
            p = self.s(n)
            if sum(c.isdigit() for c in p) >= 2 and sum(c.isupper() for c in p) >= 2:
                return p

    def secret_str(self, n=None):
        """A high-entropy application secret (HMAC keys, generic API secrets)."""
        n = n or self.r.randint(32, 48)
        return self.s(n, ALNUM + "-_")

    # ---- provider token formats
    def _crc_b62(self, body):
        crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
        out = ""
        for _ in range(6):
            out = B62[crc % 62] + out
            crc //= 62
        return out

    def github(self, prefix="ghp_"):
        body = self.s(30)
        return prefix + body + self._crc_b62(body)

    def github_bad_checksum(self):
        body = self.s(30)
        good = self._crc_b62(body)
        bad = good
        while bad == good:
            bad = self.s(6)
        return "ghp_" + body + bad

    def github_fine_grained(self):
        return "github_pat_" + self.s(22) + "_" + self.s(59)

    def npm(self):
        body = self.s(30)
        return "npm_" + body + self._crc_b62(body)

    def aws_key_id(self):
        return "AKIA" + self.s(16, string.ascii_uppercase + "234567")

    def aws_secret(self):
        return self.s(40, ALNUM + "+/")

    def slack_bot(self):
        return f"xoxb-{self.s(12, string.digits)}-{self.s(13, string.digits)}-{self.s(24)}"

    def slack_webhook(self):
        return (f"https://hooks.slack.com/services/T{self.s(8, string.ascii_uppercase + string.digits)}"
                f"/B{self.s(10, string.ascii_uppercase + string.digits)}/{self.s(24)}")

    def stripe_secret(self, live=True):
        return ("sk_live_" if live else "rk_live_") + "51" + self.s(self.r.randint(30, 96))

    def stripe_publishable(self):
        return self.pick(["pk_test_", "pk_live_"]) + "51" + self.s(self.r.randint(30, 96))

    def openai(self):
        return "sk-proj-" + self.s(74, URLSAFE) + "T3BlbkFJ" + self.s(74, URLSAFE)

    def anthropic(self):
        return "sk-ant-api03-" + self.s(93, URLSAFE) + "AA"

    def sendgrid(self):
        return "SG." + self.s(22, URLSAFE) + "." + self.s(43, URLSAFE)

    def twilio_key_sid(self):
        return "SK" + self.hexs(32)

    def gitlab(self):
        return "glpat-" + self.s(20, URLSAFE)

    def google(self):
        return "AIza" + self.s(35, URLSAFE)

    def huggingface(self):
        return "hf_" + self.s(34, string.ascii_letters)

    def shopify(self):
        return "shpat_" + self.hexs(32)

    def mailgun(self):
        return "key-" + self.hexs(32)

    def provider_token(self):
        """(token, description) of a random provider family."""
        kind = self.pick(["github", "github", "stripe", "slack", "openai", "anthropic", "sendgrid",
                          "gitlab", "npm", "google", "twilio", "huggingface", "shopify"])
        return {
            "github": lambda: (self.github(self.pick(["ghp_", "gho_", "ghu_", "ghs_"])), "GitHub token"),
            "stripe": lambda: (self.stripe_secret(self.chance(0.7)), "Stripe secret key"),
            "slack": lambda: (self.slack_bot(), "Slack bot token"),
            "openai": lambda: (self.openai(), "OpenAI project key"),
            "anthropic": lambda: (self.anthropic(), "Anthropic API key"),
            "sendgrid": lambda: (self.sendgrid(), "SendGrid API key"),
            "gitlab": lambda: (self.gitlab(), "GitLab PAT"),
            "npm": lambda: (self.npm(), "npm token"),
            "google": lambda: (self.google(), "Google API key"),
            "twilio": lambda: (self.twilio_key_sid(), "Twilio API key SID"),
            "huggingface": lambda: (self.huggingface(), "Hugging Face token"),
            "shopify": lambda: (self.shopify(), "Shopify access token"),
        }[kind]()

    # ---- JWTs
    @staticmethod
    def b64url(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def jwt(self, claims=None, alg=None, secret=None, header_extra=None):
        alg = alg or self.pick(["HS256", "HS256", "RS256", "ES256", "HS512"])
        header = {"alg": alg, "typ": "JWT"}
        if header_extra:
            header.update(header_extra)
        if alg.startswith("RS") and self.chance(0.5):
            header["kid"] = self.s(16)
        iat = self.r.randint(1_650_000_000, 1_760_000_000)
        payload = claims or {"sub": str(self.r.randint(1000, 999999)), "name": self.pick(NOUNS).title(),
                             "iat": iat}
        if claims is None:
            if self.chance(0.5):
                payload["iss"] = f"https://auth.{self.pick(ORGS)}.io/"
            if self.chance(0.7):
                payload["exp"] = iat + self.pick([900, 3600, 86400, 31536000])
            if self.chance(0.4):
                payload["role"] = self.pick(["admin", "user", "service"])
        signing_input = (self.b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         self.b64url(json.dumps(payload, separators=(",", ":")).encode()))
        if alg.startswith("HS"):
            key = (secret or self.secret_str()).encode()
            digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
            sig = hmac.new(key, signing_input.encode(), digest).digest()
        else:
            sig = bytes(self.r.getrandbits(8) for _ in range(256 if alg.startswith("RS") else 64))
        return signing_input + "." + self.b64url(sig)

    def supabase_jwt(self, role):
        iat = self.r.randint(1_650_000_000, 1_700_000_000)
        return self.jwt({"iss": "supabase", "ref": self.s(20, string.ascii_lowercase), "role": role,
                         "iat": iat, "exp": iat + 315360000}, alg="HS256")

    def jwt_bad_header(self):
        """Looks like a JWT (eyJ….eyJ….sig) but the header is not JSON."""
        header = self.b64url(b'{"typ":"JWT","alg":"HS256"' + self.s(6).encode())
        payload = self.b64url(json.dumps({"sub": "42", "iat": 1700000000}).encode())
        return f"{header}.{payload}.{self.s(43, URLSAFE)}"


# ---------------------------------------------------------------- files and labels

def planted_values(text, secret):
    """What of a plant must never appear in a report: the secret (each line of a multi-line
    one, the password of a URL) and the body lines of a PEM private key in the text, also `\\n`-escaped ones."""
    out = []
    if secret is not None:
        # A connection URL's secret is its password: the host and path are not.
        m = re.search(r"://[^:/@\s]*:([^@\s]+)@", secret)
        if m:
            secret = m.group(1)
        out.extend(ln for ln in secret.split("\n") if ln.strip() and "-----" not in ln)
    if "PRIVATE KEY-----" in text:
        for ln in text.replace("\\n", "\n").split("\n"):
            ln = ln.strip().strip("\"',;")
            if len(ln) >= 40 and "-----" not in ln and " " not in ln:
                out.append(ln)
    return out


class File:
    def __init__(self, corpus, path):
        self.corpus, self.path, self.lines, self.labels = corpus, path, [], []
        self.values = []  # planted secret values (see --values)

    def add(self, text=""):
        self.lines.extend(text.split("\n"))
        return self

    def item(self, text, category, kind, note, secret=None, at=0):
        """Adds `text` (one or more lines); labels line `at` of it."""
        assert category in CATEGORIES, category
        line = len(self.lines) + 1 + at
        self.add(text)
        if secret is not None and "\n" not in secret:
            assert secret in self.lines[line - 1], (self.path, line, note)
        assert "\n" not in note
        self.labels.append({"path": self.path, "line": line, "category": category, "kind": kind,
                            "note": note})
        if kind != "lookalike":
            self.values.extend(planted_values(text, secret))
        return self

    def secret(self, text, category, note, secret=None, at=0):
        return self.item(text, category, "secret", note, secret, at)

    def lookalike(self, text, category, note, at=0):
        return self.item(text, category, "lookalike", note, None, at)

    def info(self, text, category, note, secret=None):
        return self.item(text, category, "info-expected", note, secret)

    def fill(self, lang, n):
        self.corpus.filler.emit(self, lang, n * self.corpus.fill_scale)
        return self


class Corpus:
    def __init__(self, seed, fill_scale):
        self.g = Gen(seed)
        self.fill_scale = fill_scale
        self.files = {}
        self.filler = Filler(self.g)

    def file(self, path):
        assert path not in self.files, path
        f = File(self, path)
        self.files[path] = f
        return f

    def write(self, out, values=False):
        tree = os.path.join(out, "tree")
        if os.path.exists(tree):
            shutil.rmtree(tree)
        labels = []
        total = 0
        for path in sorted(self.files):
            f = self.files[path]
            full = os.path.join(tree, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            data = "\n".join(f.lines)
            if not data.endswith("\n"):
                data += "\n"
            with open(full, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(data)
            total += len(data.encode())
            seen = set()
            for lab in f.labels:
                key = (lab["path"], lab["line"])
                assert key not in seen, f"two labels on one line: {key}"
                seen.add(key)
                labels.append(lab)
        labels.sort(key=lambda x: (x["path"], x["line"]))
        if values:
            planted = sorted({v for path in self.files for v in self.files[path].values})
            with open(os.path.join(out, "values.json"), "w") as fh:
                json.dump(planted, fh, indent=1)
                fh.write("\n")
        with open(os.path.join(out, "labels.json"), "w") as fh:
            json.dump(labels, fh, indent=1, sort_keys=True)
            fh.write("\n")
        return labels, total


# ---------------------------------------------------------------- ordinary code

class Filler:
    """Ordinary code lines around the plants, per language. Templates use @noun@, @Noun@,
    @verb@, @Verb@, @adj@, @n@, @host@ (consistent within one snippet)."""

    T = {
        "js": [
            "async function @verb@@Noun@(req, res, next) {\n  try {\n    const @noun@ = await @Noun@.findById(req.params.id);\n"
            "    if (!@noun@) return res.status(404).json({ error: '@noun@ not found' });\n"
            "    res.json(@noun@);\n  } catch (err) {\n    next(err);\n  }\n}\n",
            "router.get('/@noun@s/:id', requireAuth, async (req, res) => {\n  const items = await db.@noun@s.find({ owner: req.user.id, status: '@adj@' }).limit(@n@);\n  res.json({ items, count: items.length });\n});\n",
            "// Retries transient failures from the @host@ service with exponential backoff.\nconst RETRY_DELAYS_MS = [100, 250, 500, @n@];\n",
            "function format@Noun@(@noun@) {\n  return {\n    id: @noun@.id,\n    createdAt: new Date(@noun@.created_at).toISOString(),\n    status: @noun@.status ?? '@adj@',\n  };\n}\n",
            "const @noun@Schema = new mongoose.Schema({\n  name: { type: String, required: true },\n  status: { type: String, enum: ['@adj@', 'archived'], default: '@adj@' },\n  tokenExpiresIn: { type: Number, default: @n@ },\n}, { timestamps: true });\n",
            "if (password.length < @n@) {\n  throw new ValidationError('password must be at least @n@ characters');\n}\n",
            "logger.info({ @noun@Id: @noun@.id, durationMs: Date.now() - started }, '@verb@ @noun@ done');\n",
            "module.exports.@verb@@Noun@ = @verb@@Noun@;\n",
            "const tokenHeader = req.headers.authorization || '';\nconst [scheme, bearer] = tokenHeader.split(' ');\nif (scheme !== 'Bearer' || !bearer) return res.sendStatus(401);\n",
        ],
        "tsx": [
            "export function @Noun@Card({ @noun@ }: { @noun@: @Noun@ }) {\n  const [open, setOpen] = useState(false);\n  return (\n"
            "    <div className=\"rounded-lg border p-4 shadow-sm\">\n      <h3 className=\"text-lg font-semibold\">{@noun@.name}</h3>\n"
            "      <button onClick={() => setOpen(!open)}>{open ? 'Hide' : 'Show'} details</button>\n    </div>\n  );\n}\n",
            "const { data, error, isLoading } = useSWR<@Noun@[]>(`/api/@noun@s?status=@adj@`, fetcher);\nif (error) return <ErrorBanner message=\"Could not load @noun@s\" />;\n",
            "useEffect(() => {\n  const id = setInterval(() => refresh@Noun@s(), @n@ * 1000);\n  return () => clearInterval(id);\n}, [refresh@Noun@s]);\n",
            "interface @Noun@ {\n  id: string;\n  name: string;\n  status: '@adj@' | 'archived';\n  updatedAt: string;\n}\n",
            "<input type=\"password\" name=\"password\" autoComplete=\"current-password\" placeholder=\"Password\" minLength={@n@} />\n",
            "const handle@Verb@ = useCallback(async () => {\n  await api.post(`/@noun@s/${id}/@verb@`);\n  router.push('/@noun@s');\n}, [id, router]);\n",
        ],
        "py": [
            "def @verb@_@noun@(@noun@_id: int, *, session=None) -> dict:\n    \"\"\"@Verb@ one @noun@ and return it as a dict.\"\"\"\n"
            "    session = session or db.session\n    @noun@ = session.get(@Noun@, @noun@_id)\n    if @noun@ is None:\n"
            "        raise NotFound(f\"@noun@ {@noun@_id} not found\")\n    return @noun@.to_dict()\n",
            "class @Noun@(db.Model):\n    __tablename__ = \"@noun@s\"\n    id = db.Column(db.Integer, primary_key=True)\n"
            "    status = db.Column(db.String(32), default=\"@adj@\", nullable=False)\n    created_at = db.Column(db.DateTime, server_default=func.now())\n",
            "logger.info(\"@verb@ %d @noun@s in %.2fs\", len(items), time.monotonic() - started)\n",
            "@bp.route(\"/@noun@s/<int:@noun@_id>\", methods=[\"GET\"])\n@login_required\ndef show_@noun@(@noun@_id):\n    return jsonify(@verb@_@noun@(@noun@_id))\n",
            "PASSWORD_MIN_LENGTH = @n@\nTOKEN_TTL_SECONDS = @n@ * 60\n",
            "for attempt in range(3):\n    try:\n        resp = client.@verb@_@noun@(@noun@_id)\n        break\n    except TimeoutError:\n        time.sleep(2 ** attempt)\n",
        ],
        "go": [
            "func (s *@Noun@Service) @Verb@(ctx context.Context, id int64) (*@Noun@, error) {\n\tvar m @Noun@\n"
            "\tif err := s.db.QueryRowContext(ctx, \"SELECT id, status FROM @noun@s WHERE id = $1\", id).Scan(&m.ID, &m.Status); err != nil {\n"
            "\t\treturn nil, fmt.Errorf(\"@verb@ @noun@ %d: %w\", id, err)\n\t}\n\treturn &m, nil\n}\n",
            "type @Noun@ struct {\n\tID        int64     `json:\"id\"`\n\tStatus    string    `json:\"status\"`\n\tCreatedAt time.Time `json:\"created_at\"`\n}\n",
            "const default@Noun@Limit = @n@\n",
            "if err != nil {\n\tlog.Printf(\"@host@: @verb@ failed: %v\", err)\n\thttp.Error(w, \"internal error\", http.StatusInternalServerError)\n\treturn\n}\n",
        ],
        "java": [
            "    public @Noun@ @verb@@Noun@(Long id) {\n        return @noun@Repository.findById(id)\n"
            "            .orElseThrow(() -> new ResourceNotFoundException(\"@noun@\", id));\n    }\n",
            "    @GetMapping(\"/@noun@s\")\n    public List<@Noun@Dto> list@Noun@s(@RequestParam(defaultValue = \"@n@\") int size) {\n"
            "        return @noun@Service.findAll(PageRequest.of(0, size)).map(mapper::toDto).getContent();\n    }\n",
            "    private static final Logger log = LoggerFactory.getLogger(@Noun@Service.class);\n",
            "    private static final int MAX_@NOUN@S = @n@;\n",
        ],
        "kt": [
            "class @Noun@Repository(private val api: @Noun@Api, private val dao: @Noun@Dao) {\n"
            "    suspend fun @verb@(id: Long): @Noun@ = withContext(Dispatchers.IO) {\n        dao.find(id) ?: api.@verb@@Noun@(id).also { dao.insert(it) }\n    }\n}\n",
            "private const val PAGE_SIZE = @n@\n",
            "override fun onCreate(savedInstanceState: Bundle?) {\n    super.onCreate(savedInstanceState)\n    binding = Activity@Noun@Binding.inflate(layoutInflater)\n    setContentView(binding.root)\n}\n",
        ],
        "swift": [
            "struct @Noun@: Codable, Identifiable {\n    let id: Int\n    var status: String\n    var updatedAt: Date\n}\n",
            "func @verb@@Noun@(id: Int) async throws -> @Noun@ {\n    let (data, _) = try await session.data(from: baseURL.appendingPathComponent(\"@noun@s/\\(id)\"))\n"
            "    return try decoder.decode(@Noun@.self, from: data)\n}\n",
            "private let pageSize = @n@\n",
        ],
        "rb": [
            "class @Noun@sController < ApplicationController\n  before_action :authenticate_user!\n\n  def show\n"
            "    @@noun@ = current_user.@noun@s.find(params[:id])\n    render json: @@noun@\n  end\nend\n",
            "  scope :@adj@, -> { where(status: \"@adj@\") }\n  validates :name, presence: true, length: { maximum: @n@ }\n",
        ],
        "php": [
            "    public function @verb@@Noun@(int $id): array\n    {\n        $row = $this->db->fetchAssociative('SELECT * FROM @noun@s WHERE id = ?', [$id]);\n"
            "        if ($row === false) {\n            throw new NotFoundException(\"@noun@ $id not found\");\n        }\n        return $row;\n    }\n",
            "add_action( 'init', function () {\n\tregister_post_type( '@noun@', array( 'public' => true, 'label' => '@Noun@s' ) );\n} );\n",
        ],
        "yaml": [
            "  @noun@:\n    enabled: true\n    batch_size: @n@\n    status_filter: @adj@\n",
            "# @Noun@ worker settings\n@noun@_worker:\n  concurrency: 4\n  queue: @noun@s-@adj@\n",
        ],
        "tf": [
            "resource \"aws_s3_bucket\" \"@noun@s\" {\n  bucket = \"@org@-@noun@s-@adj@\"\n  tags = {\n    Team = \"platform\"\n  }\n}\n",
            "variable \"@noun@_count\" {\n  type    = number\n  default = @n@\n}\n",
        ],
        "md": [
            "## @Verb@ a @noun@\n\nCall the endpoint with the id of the @noun@. The response lists every field; "
            "`status` is `@adj@` until the worker has processed it.\n",
            "- `GET /@noun@s` lists @noun@s, newest first (page size @n@).\n- `POST /@noun@s/:id/@verb@` queues a @verb@ job.\n",
        ],
        "properties": ["@noun@.batch-size=@n@\n@noun@.status=@adj@\n"],
        "sh": ["echo \"@verb@ @noun@s...\"\n./bin/@noun@-tool @verb@ --limit @n@\n"],
        "css": [".@noun@-card {\n  border-radius: 8px;\n  padding: @n@px;\n}\n"],
    }

    def __init__(self, g):
        self.g = g

    def snippet(self, lang):
        g = self.g
        noun, verb = g.pick(NOUNS), g.pick(VERBS)
        subs = {"@noun@": noun, "@Noun@": noun.title(), "@NOUN@": noun.upper(), "@verb@": verb,
                "@Verb@": verb.title(), "@adj@": g.pick(ADJ), "@n@": str(g.r.randint(2, 500)),
                "@host@": g.pick(HOSTS), "@org@": g.pick(ORGS)}
        text = g.pick(self.T[lang])
        for k, v in subs.items():
            text = text.replace(k, v)
        return text

    def emit(self, f, lang, n):
        """Appends at least n lines of ordinary `lang` code."""
        start = len(f.lines)
        while len(f.lines) - start < n:
            f.add(self.snippet(lang))


# ---------------------------------------------------------------- project generators

class Projects:
    def __init__(self, corpus, keys):
        self.c, self.g, self.keys = corpus, corpus.g, keys

    # -- shared pieces
    def lockfile(self, path, n):
        f = self.c.file(path)
        g = self.g
        f.add('{\n  "name": "app",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {')
        for i in range(n):
            name = g.pick(NOUNS) + "-" + g.pick(VERBS) + str(i)
            f.add(f'    "node_modules/{name}": {{')
            f.add(f'      "version": "{g.r.randint(0, 9)}.{g.r.randint(0, 30)}.{g.r.randint(0, 20)}",')
            f.add(f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz",')
            f.lookalike(f'      "integrity": "sha512-{g.b64bytes(64)}",', "generic", "package-lock integrity hash")
            f.add("      \"dev\": true\n    }," if i % 3 == 0 else "    },")
        f.add('    "": {}\n  }\n}')

    def yarn_lock(self, path, n):
        f = self.c.file(path)
        g = self.g
        f.add("# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n")
        for i in range(n):
            name = g.pick(NOUNS) + "-" + str(i)
            f.add(f'{name}@^1.{i}.0:\n  version "1.{i}.3"\n  resolved "https://registry.yarnpkg.com/{name}/-/{name}-1.{i}.3.tgz#{g.hexs(40)}"')
            f.lookalike(f"  integrity sha512-{g.b64bytes(64)}", "generic", "yarn.lock integrity hash")
            f.add("")

    def go_sum(self, path, n):
        f = self.c.file(path)
        g = self.g
        for i in range(n):
            mod = f"github.com/{g.pick(ORGS)}/{g.pick(NOUNS)}{i}"
            f.lookalike(f"{mod} v1.{i}.0 h1:{g.b64bytes(32)}", "generic", "go.sum hash")
            f.add(f"{mod} v1.{i}.0/go.mod h1:{g.b64bytes(32)}")

    def minified_bundle(self, path):
        g = self.g
        f = self.c.file(path)
        f.add("/*! vendor-charts v3.9.1 | MIT License | (c) Charts contributors */")
        parts = []
        for _ in range(300):
            a, b = g.s(1, string.ascii_lowercase), g.s(2, string.ascii_lowercase)
            parts.append(g.pick([f"function {a}({b}){{return {b}&&{b}.__esModule?{b}:{{default:{b}}}}}",
                                 f"var {b}={a}.prototype.hasOwnProperty",
                                 f"{a}.exports={{version:\"3.9.1\",id:\"{g.hexs(8)}\"}}",
                                 f"{b}=\"{g.s(12, string.ascii_lowercase)}\""]))
        f.lookalike("!function(e,t){" + ";".join(parts) + "}(this);", "generic", "minified vendor bundle")
        return f

    def source_map(self, path):
        g = self.g
        f = self.c.file(path)
        segs = ",".join(g.s(g.r.randint(4, 8), string.ascii_letters + string.digits + "+/") for _ in range(800))
        f.add('{"version":3,"file":"main.js","sources":["webpack://app/./src/index.tsx"],"names":[],')
        f.lookalike(f'"mappings":"{segs};{segs}"}}', "generic", "source map mappings")

    def generic(self, f, lang, note_where):
        """Plants a high-entropy value assigned to a secret-like name, in `lang` syntax."""
        g = self.g
        name = g.pick(["api_secret", "client_secret", "auth_token", "db_password", "access_key", "private_token"])
        camel = "".join(w.title() if i else w for i, w in enumerate(name.split("_")))
        v = g.password() if "password" in name else g.secret_str(g.r.randint(24, 40))
        line = {
            "js": f"  {camel}: '{v}',",
            "go": f'\t{camel} = "{v}"',
            "rb": f'  config.{name} = "{v}"',
            "php": f"    private string ${camel} = '{v}';",
            "py": f'{name.upper()} = "{v}"',
            "yaml": f"  {name}: {v}",
        }[lang]
        f.secret(line, "generic", f"{name} literal in {note_where}", v)

    def data_uri(self):
        return "data:image/png;base64," + self.g.b64bytes(self.g.r.randint(120, 300))

    def pem_key(self, style):
        """(pem text, note) for a fresh key; style in rsa1, rsa8, ec1, ec8, ssh-ed, ssh-rsa."""
        k = self.keys
        if style == "rsa1":
            return keygen.pem("RSA PRIVATE KEY", k.rsa().pkcs1_der()), "PEM RSA PKCS#1 private key"
        if style == "rsa8":
            return keygen.pem("PRIVATE KEY", k.rsa().pkcs8_der()), "PEM PKCS#8 RSA private key"
        if style == "ec1":
            return keygen.pem("EC PRIVATE KEY", k.ec().sec1_der()), "PEM SEC1 EC private key"
        if style == "ec8":
            return keygen.pem("PRIVATE KEY", k.ec().pkcs8_der()), "PEM PKCS#8 EC private key"
        if style == "ssh-ed":
            return keygen.openssh_ed25519(self.g.r, "deploy@ci")[0], "OpenSSH ed25519 private key"
        if style == "ssh-rsa":
            return keygen.openssh_rsa(k.rsa(), self.g.r, "ops@bastion")[0], "OpenSSH RSA private key"
        raise ValueError(style)

    def public_pem(self):
        if self.g.chance(0.5):
            return keygen.pem("PUBLIC KEY", self.keys.public_rsa().spki_der())
        return keygen.pem("PUBLIC KEY", self.keys.ec().spki_der())

    def certificate(self, cn):
        return keygen.pem("CERTIFICATE", self.keys.public_rsa().self_signed_cert_der(cn, self.g.r.getrandbits(63)))

    # -- Node / Express API
    def node_api(self, root):
        g, c = self.g, self.c
        c.file(f"{root}/package.json").add(json.dumps({
            "name": root.split("/")[-1], "version": "1.4.2", "private": True,
            "scripts": {"start": "node src/server.js", "test": "jest"},
            "dependencies": {"express": "^4.19.2", "jsonwebtoken": "^9.0.2", "mongoose": "^8.3.1", "pino": "^9.0.0"},
        }, indent=2))
        self.lockfile(f"{root}/package-lock.json", g.r.randint(40, 70))

        hmac_secret = g.secret_str()
        f = c.file(f"{root}/src/auth/tokens.js")
        f.add("const jwt = require('jsonwebtoken');\n").fill("js", 25)
        f.secret(f"  return jwt.sign({{ sub: user.id, role: user.role }}, '{hmac_secret}', {{ expiresIn: '1h' }});",
                 "signing-key", "jsonwebtoken sign() literal secret", hmac_secret)
        f.fill("js", 20)
        f.lookalike("  const claims = jwt.verify(token, process.env.JWT_SECRET);", "signing-key", "verify with process.env reference")
        f.fill("js", 15)
        f.lookalike("const secret = config.get('auth.jwtSecret');", "signing-key", "config lookup")
        f.fill("js", 10)

        f = c.file(f"{root}/src/config.js")
        f.add("'use strict';\n\nmodule.exports = {").add("  port: Number(process.env.PORT || 3000),")
        tok, what = g.provider_token()
        f.secret(f"  {g.pick(['integrationToken', 'vendorKey', 'apiKey'])}: '{tok}',", "provider", f"{what} in JS config", tok)
        f.lookalike("  sendgridApiKey: process.env.SENDGRID_API_KEY,", "provider", "process.env reference")
        f.lookalike("  mapsApiKey: 'your-api-key-here',", "generic", "placeholder your-api-key-here")
        sk = g.stripe_secret()
        f.secret(f"  stripeSecretKey: '{sk}',", "provider", "Stripe sk_live in config", sk)
        f.lookalike(f"  requestIdNamespace: '{g.uuid()}',", "generic", "UUID")
        self.generic(f, "js", "JS config object")
        f.add("  logLevel: process.env.LOG_LEVEL || 'info',\n};")
        f.fill("js", 10)

        f = c.file(f"{root}/src/db.js")
        f.add("const mongoose = require('mongoose');\n").fill("js", 12)
        pw = g.url_password()
        url = f"mongodb+srv://{g.pick(['app', 'api', 'svc'])}:{pw}@cluster0.{g.s(5, string.ascii_lowercase)}.mongodb.net/{g.pick(NOUNS)}s?retryWrites=true&w=majority"
        f.secret(f"const MONGO_URL = process.env.MONGO_URL || '{url}';", "database", "mongodb+srv URL with password", url)
        f.fill("js", 8)
        f.lookalike("const pgUrl = `postgres://${process.env.PGUSER}:${process.env.PGPASSWORD}@${process.env.PGHOST}:5432/app`;",
                    "database", "URL built from env references")
        f.lookalike("const cacheUrl = 'redis://localhost:6379/0';", "database", "redis URL without password")
        f.fill("js", 10)

        f = c.file(f"{root}/src/clients/{g.pick(HOSTS)}Client.js")
        f.add("const axios = require('axios');\n").fill("js", 12)
        host = f"{g.pick(HOSTS)}.{g.pick(ORGS)}.internal"
        f.secret(f"  const res = await fetch(`http://{host}/api/v1/{g.pick(NOUNS)}s`, {{ headers: {{ Authorization: 'Bearer ' + token }} }});",
                 "http-bearer", "fetch with Bearer to plain-http host")
        f.fill("js", 8)
        f.lookalike(f"  const r2 = await fetch('https://{host}/api/v1/health', {{ headers: {{ Authorization: `Bearer ${{token}}` }} }});",
                    "http-bearer", "Bearer over https")
        f.lookalike("  const local = await fetch('http://localhost:8080/debug', { headers: { Authorization: 'Bearer ' + token } });",
                    "http-bearer", "Bearer to localhost")
        f.fill("js", 8)

        key, note = self.pem_key(g.pick(["rsa8", "rsa1", "ec8"]))
        c.file(f"{root}/config/jwt-private.pem").secret(key.rstrip("\n"), "private-key", note + " file")
        c.file(f"{root}/config/jwt-public.pem").lookalike(self.public_pem().rstrip("\n"), "private-key", "PEM public key file")
        for i in range(g.r.randint(3, 5)):
            c.file(f"{root}/src/routes/{g.pick(NOUNS)}{i}.js").add("const router = require('express').Router();\n").fill("js", g.r.randint(60, 140))

        f = c.file(f"{root}/test/auth.test.js")
        f.add("const request = require('supertest');\nconst app = require('../src/app');\n").fill("js", 10)
        t = g.jwt()
        f.secret(f"const ADMIN_TOKEN = '{t}';", "jwt", "JWT constant in a test", t)
        f.fill("js", 10)
        f.lookalike(f"const BROKEN = '{g.jwt_bad_header()}';", "jwt", "eyJ…-shaped string whose header is not JSON")
        f.fill("js", 6)

        f = c.file(f"{root}/.env")
        f.add("NODE_ENV=production\nPORT=3000")
        s = g.secret_str()
        f.secret(f"JWT_SECRET={s}", "signing-key", "JWT_SECRET in .env", s)
        b = g.slack_bot()
        f.secret(f"SLACK_BOT_TOKEN={b}", "provider", "Slack bot token in .env", b)
        pw = g.url_password()
        u = f"postgres://orders:{pw}@db.{g.pick(ORGS)}.internal:5432/orders"
        f.secret(f"DATABASE_URL={u}", "database", "postgres URL in .env", u)
        o = g.openai()
        f.secret(f"OPENAI_API_KEY={o}", "provider", "OpenAI key in .env", o)
        f.lookalike("API_KEY=changeme", "generic", "placeholder changeme")
        f.add("SENTRY_DSN=")
        t = g.jwt()
        f.secret(f"CAF_TOKEN={t}", "jwt", "Caf token (JWT) in .env", t)

        f = c.file(f"{root}/.env.example")
        f.lookalike("JWT_SECRET=<your-jwt-secret>", "signing-key", "placeholder <…>")
        f.lookalike("STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "provider", "sk_live_ with x placeholder")
        f.lookalike("DATABASE_URL=postgres://user:password@localhost:5432/app", "database", "doc placeholder URL")
        f.lookalike("GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "provider", "ghp_ with x placeholder")
        f.lookalike("SLACK_BOT_TOKEN=xoxb-your-token", "provider", "placeholder")

        f = c.file(f"{root}/postman/{root.split('/')[-1]}.postman_collection.json")
        t = g.jwt()
        f.add('{\n  "info": {\n    "name": "API",\n    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"\n  },')
        f.add('  "auth": {\n    "type": "bearer",\n    "bearer": [\n      {')
        f.secret(f'        "value": "{t}",', "jwt", "JWT in Postman collection auth", t)
        f.add('        "key": "token",\n        "type": "string"\n      }\n    ]\n  },\n  "item": [')
        for i in range(g.r.randint(4, 8)):
            n = g.pick(NOUNS)
            f.add(f'    {{\n      "name": "List {n}s",\n      "request": {{\n        "method": "GET",\n        "header": [')
            if i == 1:
                f.lookalike('          { "key": "Authorization", "value": "Bearer {{token}}" }', "jwt", "Postman {{token}} variable")
            else:
                f.add('          { "key": "Accept", "value": "application/json" }')
            f.add(f'        ],\n        "url": "{{{{baseUrl}}}}/{n}s"\n      }}\n    }},')
        f.add('    {}\n  ]\n}')

        f = c.file(f"{root}/.npmrc")
        if g.chance(0.5):
            tok = g.s(64, ALNUM + "+/=")
            f.secret(f"//npm.{g.pick(ORGS)}.jfrog.io/artifactory/api/npm/npm/:_authToken={tok}", "credential-file",
                     ".npmrc _authToken for a private registry", tok)
        else:
            tok = g.npm()
            f.secret(f"//registry.npmjs.org/:_authToken={tok}", "credential-file", ".npmrc _authToken (npm token)", tok)
        f.lookalike("//npm.pkg.github.com/:_authToken=${GITHUB_PACKAGES_TOKEN}", "credential-file", ".npmrc env reference")
        f.add("always-auth=true")

        f = c.file(f"{root}/README.md")
        f.add(f"# {root.split('/')[-1]}\n\nThe HTTP API behind the storefront.\n").fill("md", 10)
        f.add("## Calling the API\n\n```sh")
        t = g.jwt()
        f.secret(f'curl -H "Authorization: Bearer {t}" https://api.{g.pick(ORGS)}.io/v1/orders', "jwt", "JWT in README curl example", t)
        f.add("```\n")
        f.lookalike('curl -H "Authorization: Bearer <TOKEN>" https://api.example.com/v1/orders', "jwt", "<TOKEN> placeholder")
        f.lookalike('curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/v1/orders', "jwt", "$VAR reference")
        f.secret(f'curl -H "Authorization: Bearer $API_TOKEN" http://staging.{g.pick(ORGS)}.io/v1/orders', "http-bearer",
                 "curl Bearer to plain-http host")
        f.add("").fill("md", 12)

    # -- Next.js / React frontend
    def nextjs(self, root):
        g, c = self.g, self.c
        c.file(f"{root}/package.json").add(json.dumps({
            "name": root.split("/")[-1], "private": True,
            "scripts": {"dev": "next dev", "build": "next build"},
            "dependencies": {"next": "14.2.3", "react": "18.3.1", "swr": "^2.2.5", "@stripe/stripe-js": "^3.4.0"},
        }, indent=2))
        self.yarn_lock(f"{root}/yarn.lock", g.r.randint(30, 50))

        f = c.file(f"{root}/.env.local")
        f.add(f"NEXT_PUBLIC_API_URL=https://api.{g.pick(ORGS)}.io")
        pk = g.stripe_publishable()
        f.info(f"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY={pk}", "frontend", "Stripe publishable key (info)", pk)
        anon = g.supabase_jwt("anon")
        f.info(f"NEXT_PUBLIC_SUPABASE_ANON_KEY={anon}", "frontend", "Supabase anon JWT (info)", anon)
        s = g.secret_str()
        f.secret(f"NEXT_PUBLIC_ADMIN_API_SECRET={s}", "frontend", "NEXT_PUBLIC_ secret", s)
        o = g.pick([g.openai, g.anthropic, g.sendgrid])()
        f.secret(f"NEXT_PUBLIC_AI_API_KEY={o}", "frontend", "provider key under NEXT_PUBLIC_", o)
        sk = g.stripe_secret()
        f.secret(f"STRIPE_SECRET_KEY={sk}", "provider", "server-side Stripe key in .env.local", sk)
        f.lookalike("NEXT_PUBLIC_SENTRY_DSN=${SENTRY_DSN}", "frontend", "${VAR} reference")

        f = c.file(f"{root}/src/lib/firebase.ts")
        f.add("import { initializeApp } from 'firebase/app';\n\nconst firebaseConfig = {")
        k = g.google()
        proj = f"{g.pick(ORGS)}-{g.pick(NOUNS)}"
        f.info(f"  apiKey: '{k}',", "frontend", "Firebase web apiKey (info)", k)
        f.add(f"  authDomain: '{proj}.firebaseapp.com',\n  projectId: '{proj}',\n  storageBucket: '{proj}.appspot.com',")
        f.add(f"  messagingSenderId: '{g.s(12, string.digits)}',\n  appId: '1:{g.s(12, string.digits)}:web:{g.hexs(22)}',\n}};")
        f.add("\nexport const app = initializeApp(firebaseConfig);")

        f = c.file(f"{root}/src/lib/stripe.ts")
        f.add("import { loadStripe } from '@stripe/stripe-js';\n")
        pk = g.stripe_publishable()
        f.info(f"export const stripePromise = loadStripe('{pk}');", "frontend", "Stripe publishable key in code (info)", pk)
        f.lookalike("export const stripeKey = process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY!;", "frontend", "process.env reference")

        f = c.file(f"{root}/src/lib/api.ts")
        f.add("import axios from 'axios';\n").fill("tsx", 10)
        host = f"{g.pick(HOSTS)}.{g.pick(ORGS)}-corp.net"
        f.secret(f"export const getProfile = (token: string) => axios.get(`http://{host}/v2/profile`, {{ headers: {{ Authorization: `Bearer ${{token}}` }} }});",
                 "http-bearer", "axios Bearer to plain-http host")
        f.lookalike("export const getLocal = (token: string) => axios.get('http://127.0.0.1:4000/me', { headers: { Authorization: `Bearer ${token}` } });",
                    "http-bearer", "Bearer to loopback")
        f.fill("tsx", 10)

        comps = [g.pick(NOUNS).title() + s for s in ["List", "Card", "Panel", "Form", "Table", "Header"]]
        secret_comps = set(g.r.sample(range(len(comps)), 2))
        for i, name in enumerate(comps):
            f = c.file(f"{root}/src/components/{name}.tsx")
            f.add("import { useState, useEffect, useCallback } from 'react';\nimport useSWR from 'swr';\n").fill("tsx", 20)
            if i in secret_comps:
                if g.chance(0.5):
                    tok, what = g.provider_token()
                    f.secret(f"const VENDOR_KEY = '{tok}';", "frontend", f"{what} in a React component", tok)
                else:
                    s = g.secret_str()
                    f.secret(f"  const res = await fetch('/api/search', {{ headers: {{ 'x-api-secret': '{s}' }} }});",
                             "frontend", "API secret header in a React component", s)
            f.fill("tsx", 15)
            if i == 0:
                f.lookalike(f'      <img alt="logo" src="{self.data_uri()}" />', "generic", "base64 data: URI")
            if i == 1:
                f.lookalike('      <input name="apiKey" placeholder="your-api-key-here" />', "generic", "placeholder")
            if i == 2:
                t = g.jwt()
                f.secret(f"const DEMO_SESSION = '{t}';", "frontend", "JWT hardcoded in a component", t)
            f.fill("tsx", 20)

        f = c.file(f"{root}/src/styles/globals.css")
        f.add("@font-face {\n  font-family: 'Inter';")
        f.lookalike(f"  src: url(data:font/woff2;base64,{g.b64bytes(600)}) format('woff2');", "generic", "data: URI font")
        f.add("}").fill("css", 40)
        self.minified_bundle(f"{root}/public/vendor/charts.min.js")
        self.source_map(f"{root}/public/vendor/charts.min.js.map")

    # -- Python: Flask
    def flask(self, root):
        g, c = self.g, self.c
        pkg = root.split("/")[-1].replace("-", "_")
        f = c.file(f"{root}/requirements.txt")
        for dep in ["flask==3.0.3", "pyjwt==2.8.0", "sqlalchemy==2.0.30", "requests==2.32.2", "anthropic==0.28.0"]:
            f.add(dep)
        f = c.file(f"{root}/poetry.lock")
        for i in range(g.r.randint(15, 30)):
            f.add(f'[[package]]\nname = "{g.pick(NOUNS)}-{i}"\nversion = "1.{i}.0"\nfiles = [')
            f.lookalike(f'    {{file = "pkg-1.{i}.0-py3-none-any.whl", hash = "sha256:{g.hexs(64)}"}},', "generic", "poetry.lock sha256")
            f.add("]\n")

        f = c.file(f"{root}/{pkg}/__init__.py")
        f.add("from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)")
        s = g.secret_str()
        f.secret(f'    app.config["SECRET_KEY"] = "{s}"', "signing-key", "Flask SECRET_KEY literal", s)
        f.lookalike('    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]', "database", "os.environ reference")
        f.add("    register_blueprints(app)\n    return app\n").fill("py", 20)

        f = c.file(f"{root}/{pkg}/auth.py")
        f.add("import jwt\nfrom flask import current_app\n").fill("py", 15)
        s = g.secret_str()
        f.secret(f'    return jwt.encode(payload, "{s}", algorithm="HS256")', "signing-key", "PyJWT encode literal secret", s)
        f.fill("py", 10)
        f.lookalike('    return jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=["HS256"])', "signing-key", "config reference")
        f.fill("py", 15)

        f = c.file(f"{root}/{pkg}/config.py")
        f.add("import os\n\n\nclass Config:")
        pw = g.url_password()
        u = f"postgresql://{pkg}:{pw}@{g.pick(HOSTS)}-db.{g.pick(ORGS)}.internal:5432/{pkg}"
        f.secret(f'    SQLALCHEMY_DATABASE_URI = "{u}"', "database", "postgresql URL in Flask config", u)
        f.lookalike('    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")', "generic", "os.environ reference")
        f.lookalike('    DSN_TEMPLATE = "host=%(host)s user=%(user)s password=%(password)s"', "generic", "%(x)s format reference")
        pw = g.password()
        f.secret(f'    SMTP_PASSWORD = "{pw}"', "generic", "password literal in config class", pw)
        f.lookalike('    ADMIN_PASSWORD = "xxxxxxxx"', "generic", "xxxxxxxx placeholder")
        f.fill("py", 10)

        f = c.file(f"{root}/{pkg}/services/{g.pick(HOSTS)}.py")
        f.add("import requests\n").fill("py", 12)
        host = f"{g.pick(HOSTS)}.{g.pick(ORGS)}.internal"
        f.secret(f'    resp = requests.get("http://{host}/api/{g.pick(NOUNS)}s", headers={{"Authorization": f"Bearer {{token}}"}}, timeout=5)',
                 "http-bearer", "requests Bearer to plain-http host")
        f.fill("py", 8)
        which = g.pick(["anthropic", "sendgrid", "hf"])
        if which == "anthropic":
            k = g.anthropic()
            f.secret(f'client = anthropic.Anthropic(api_key="{k}")', "provider", "Anthropic key in code", k)
        elif which == "sendgrid":
            k = g.sendgrid()
            f.secret(f'sg = SendGridAPIClient("{k}")', "provider", "SendGrid key in code", k)
        else:
            k = g.huggingface()
            f.secret(f'HF_TOKEN = "{k}"', "provider", "Hugging Face token", k)
        f.lookalike('openai_key = os.getenv("OPENAI_API_KEY")', "provider", "os.getenv reference")
        f.fill("py", 12)

        for i in range(g.r.randint(2, 4)):
            c.file(f"{root}/{pkg}/views/{g.pick(NOUNS)}{i}.py").add("from flask import Blueprint, jsonify\n").fill("py", g.r.randint(60, 120))

        f = c.file(f"{root}/tests/test_auth.py")
        f.add("import pytest\n").fill("py", 10)
        t = g.jwt()
        f.secret(f'EXPIRED_TOKEN = "{t}"', "jwt", "JWT in a Python test", t)
        f.fill("py", 10)
        key, note = self.pem_key(g.pick(["rsa1", "ec1"]))
        f.secret('TEST_SIGNING_KEY = """' + key.rstrip("\n") + '"""', "private-key", note + " in a Python string")
        f.fill("py", 8)

        f = c.file(f"{root}/.pypirc")
        f.add("[distutils]\nindex-servers =\n    internal\n\n[internal]")
        f.add(f"repository = https://pypi.{g.pick(ORGS)}.internal/simple/\nusername = deploy")
        pw = g.password()
        f.secret(f"password = {pw}", "credential-file", ".pypirc password", pw)

        f = c.file(f"{root}/.pgpass")
        pw = g.password()
        f.secret(f"{g.pick(HOSTS)}-db.{g.pick(ORGS)}.internal:5432:{pkg}:{pkg}:{pw}", "credential-file", ".pgpass line", pw)
        f.lookalike("localhost:5432:*:postgres:", "credential-file", ".pgpass line with empty password")

    # -- Python: Django
    def django(self, root):
        g, c = self.g, self.c
        proj = root.split("/")[-1].replace("-", "_")
        f = c.file(f"{root}/{proj}/settings.py")
        f.add('"""Django settings."""\nimport os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n')
        s = "django-insecure-" + g.s(50, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)")
        f.secret(f"SECRET_KEY = '{s}'", "signing-key", "Django SECRET_KEY", s)
        f.add("\nDEBUG = False\nALLOWED_HOSTS = ['.example.org']\n\nINSTALLED_APPS = [")
        for a in ["django.contrib.admin", "django.contrib.auth", "rest_framework", proj + ".core"]:
            f.add(f"    '{a}',")
        f.add("]\n\nDATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',")
        f.add(f"        'NAME': '{proj}',\n        'USER': '{proj}',")
        pw = g.password()
        f.secret(f"        'PASSWORD': '{pw}',", "credential-file", "Django DATABASES password", pw)
        f.add(f"        'HOST': 'db.{g.pick(ORGS)}.internal',\n        'PORT': '5432',\n    }},")
        f.add("    'replica': {\n        'ENGINE': 'django.db.backends.postgresql',")
        f.lookalike("        'PASSWORD': os.environ['REPLICA_DB_PASSWORD'],", "credential-file", "os.environ reference")
        f.add("    },\n}\n")
        ak, sk = g.aws_key_id(), g.aws_secret()
        f.secret(f"AWS_ACCESS_KEY_ID = '{ak}'", "provider", "AWS access key id", ak)
        f.secret(f"AWS_SECRET_ACCESS_KEY = '{sk}'", "provider", "AWS secret access key", sk)
        f.lookalike('EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")', "generic", "os.environ reference")
        f.lookalike("CACHES = {'default': {'LOCATION': 'redis://127.0.0.1:6379/1'}}", "database", "redis URL without password")
        f.add("\nLANGUAGE_CODE = 'en-us'\nTIME_ZONE = 'UTC'\nUSE_TZ = True\n")
        self.generic(f, "py", "Django settings")
        for mod in ["models", "views", "serializers"]:
            c.file(f"{root}/{proj}/core/{mod}.py").add("from django.db import models\n").fill("py", g.r.randint(50, 110))

    # -- Go
    def go_service(self, root):
        g, c = self.g, self.c
        c.file(f"{root}/go.mod").add(f"module github.com/{g.pick(ORGS)}/{root.split('/')[-1]}\n\ngo 1.22\n\nrequire github.com/golang-jwt/jwt/v5 v5.2.1")
        self.go_sum(f"{root}/go.sum", g.r.randint(20, 40))
        f = c.file(f"{root}/internal/auth/jwt.go")
        f.add('package auth\n\nimport (\n\t"os"\n\t"time"\n\n\t"github.com/golang-jwt/jwt/v5"\n)\n')
        s = g.secret_str()
        f.secret(f'var hmacSecret = []byte("{s}")', "signing-key", "golang-jwt HMAC key literal", s)
        f.lookalike('var fallbackSecret = []byte(os.Getenv("JWT_SECRET"))', "signing-key", "os.Getenv reference")
        f.add("").fill("go", 30)

        f = c.file(f"{root}/internal/config/config.go")
        f.add("package config\n\nconst (")
        pw = g.url_password()
        u = f"redis://:{pw}@cache.{g.pick(ORGS)}.internal:6379/0"
        f.secret(f'\tdefaultRedisURL = "{u}"', "database", "redis URL with password", u)
        tok, what = g.provider_token()
        f.secret(f'\tciToken = "{tok}"', "provider", f"{what} in Go const", tok)
        f.lookalike(f'\tbuildCommit = "{g.hexs(40)}"', "generic", "git SHA")
        f.lookalike(f'\tschemaChecksum = "{g.hexs(64)}"', "generic", "hex sha256 digest")
        self.generic(f, "go", "Go const block")
        f.add(")\n").fill("go", 20)

        for name in ["server", "handlers", "store"]:
            c.file(f"{root}/internal/{name}/{name}.go").add(f"package {name}\n").fill("go", g.r.randint(60, 120))
        f = c.file(f"{root}/internal/auth/jwt_test.go")
        f.add("package auth\n\nimport \"testing\"\n")
        t = g.jwt()
        f.secret(f'const sampleToken = "{t}"', "jwt", "JWT in Go test", t)
        f.fill("go", 20)
        f = c.file(f"{root}/Dockerfile")
        f.add(f"FROM golang:1.22@sha256:{g.hexs(64)} AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\n")
        f.add("FROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]")

    # -- Java / Spring
    def spring(self, root):
        g, c = self.g, self.c
        pkg = f"com/{g.pick(ORGS)}/{g.pick(NOUNS)}"
        f = c.file(f"{root}/src/main/resources/application.properties")
        f.add(f"spring.application.name={root.split('/')[-1]}\nserver.port=8080")
        f.add(f"spring.datasource.url=jdbc:postgresql://db.{g.pick(ORGS)}.internal:5432/app\nspring.datasource.username=app")
        pw = g.password()
        f.secret(f"spring.datasource.password={pw}", "generic", "Spring datasource password", pw)
        s = g.secret_str(64)
        f.secret(f"jwt.secret={s}", "signing-key", "Spring jwt.secret", s)
        f.lookalike("spring.mail.password=${MAIL_PASSWORD}", "generic", "${VAR} reference")
        f.add("").fill("properties", 16)
        f = c.file(f"{root}/src/main/resources/application-prod.yml")
        f.add("spring:\n  datasource:")
        f.lookalike("    password: ${DB_PASSWORD}", "generic", "${VAR} reference")
        f.add("app:\n  jwt:")
        f.lookalike("    secret: ${JWT_SECRET:changeme}", "signing-key", "${VAR:default} reference")

        f = c.file(f"{root}/src/main/java/{pkg}/security/JwtService.java")
        f.add(f"package {pkg.replace('/', '.')}.security;\n\nimport io.jsonwebtoken.Jwts;\nimport io.jsonwebtoken.security.Keys;\n\n@Service\npublic class JwtService {{")
        s = g.secret_str(48)
        f.secret(f'    private static final String JWT_SECRET = "{s}";', "signing-key", "Java JWT_SECRET constant", s)
        f.lookalike('    @Value("${jwt.secret}")\n    private String configuredSecret;', "signing-key", "@Value(${…}) reference")
        f.fill("java", 30).add("}")
        f = c.file(f"{root}/src/main/java/{pkg}/client/PartnerClient.java")
        f.add(f"package {pkg.replace('/', '.')}.client;\n\npublic class PartnerClient {{")
        tok, what = g.provider_token()
        f.secret(f'    private static final String PARTNER_API_KEY = "{tok}";', "provider", f"{what} in Java", tok)
        f.lookalike('    private final String apiKey = System.getenv("PARTNER_API_KEY");', "provider", "System.getenv reference")
        f.fill("java", 30).add("}")
        for n in ["Controller", "Service", "Repository"]:
            noun = g.pick(NOUNS).title()
            f = c.file(f"{root}/src/main/java/{pkg}/{noun}{n}.java")
            f.add(f"package {pkg.replace('/', '.')};\n\npublic class {noun}{n} {{").fill("java", g.r.randint(50, 100)).add("}")
        f = c.file(f"{root}/src/test/java/{pkg}/AuthIT.java")
        f.add("class AuthIT {")
        t = g.jwt()
        f.secret(f'    static final String TOKEN = "{t}";', "jwt", "JWT in a Java test", t)
        f.fill("java", 12).add("}")

    # -- Ruby / Rails
    def rails(self, root):
        g, c = self.g, self.c
        f = c.file(f"{root}/config/secrets.yml")
        f.add("development:")
        f.lookalike("  secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>", "signing-key", "ERB ENV reference")
        f.add("\nproduction:")
        s = g.hexs(128)
        f.secret(f"  secret_key_base: {s}", "signing-key", "Rails secret_key_base", s)
        f = c.file(f"{root}/config/database.yml")
        f.add("default: &default\n  adapter: mysql2\n  pool: 5\n\ndevelopment:\n  <<: *default")
        f.lookalike("  password: <%= ENV['DB_PASSWORD'] %>", "generic", "ERB ENV reference")
        f.add("\nproduction:\n  <<: *default")
        pw = g.url_password()
        u = f"mysql2://app:{pw}@mysql.{g.pick(ORGS)}.internal:3306/app_production"
        f.secret(f"  url: {u}", "database", "mysql2 URL with password", u)
        f = c.file(f"{root}/app/services/token_issuer.rb")
        f.add("require 'jwt'\n\nclass TokenIssuer").fill("rb", 10)
        s = g.secret_str()
        f.secret(f"    JWT.encode(payload, '{s}', 'HS256')", "signing-key", "ruby-jwt encode literal", s)
        f.fill("rb", 10).add("end")
        f = c.file(f"{root}/config/initializers/stripe.rb")
        sk = g.stripe_secret()
        f.secret(f"Stripe.api_key = '{sk}'", "provider", "Stripe key in initializer", sk)
        f.lookalike("Stripe.webhook_secret = ENV.fetch('STRIPE_WEBHOOK_SECRET')", "provider", "ENV.fetch reference")
        f = c.file(f"{root}/config/initializers/gitlab.rb")
        gl = g.gitlab()
        f.secret(f"GITLAB_API_TOKEN = \"{gl}\"", "provider", "GitLab PAT", gl)
        f = c.file(f"{root}/config/initializers/partner_api.rb")
        f.add("PartnerApi.configure do |config|")
        f.add(f'  config.endpoint = "https://partner.{g.pick(ORGS)}.io"')
        self.generic(f, "rb", "Rails initializer")
        f.add("end")
        for i in range(g.r.randint(2, 4)):
            c.file(f"{root}/app/controllers/{g.pick(NOUNS)}{i}_controller.rb").fill("rb", g.r.randint(50, 100))
        f = c.file(f"{root}/Gemfile.lock")
        f.add("GEM\n  remote: https://rubygems.org/\n  specs:")
        for i in range(30):
            f.add(f"    {g.pick(NOUNS)}-{i} ({i % 7}.{i}.1)")

    # -- PHP / WordPress
    def php(self, root):
        g, c = self.g, self.c
        f = c.file(f"{root}/wp-config.php")
        f.add("<?php\n/** The base configuration for WordPress */\n\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_USER', 'wp_app' );")
        pw = g.password()
        f.secret(f"define( 'DB_PASSWORD', '{pw}' );", "credential-file", "wp-config DB_PASSWORD", pw)
        f.add("define( 'DB_HOST', 'localhost' );\ndefine( 'DB_CHARSET', 'utf8mb4' );\n")
        wp_chars = ALNUM + "!@#$%^&*()-_ []{}<>~`+=,.;:/?|"
        for i, name in enumerate(["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY"]):
            if i == 1:
                f.lookalike(f"define( '{name}',         'put your unique phrase here' );", "credential-file", "wp-config sample placeholder")
            else:
                v = g.s(64, wp_chars.replace("'", "").replace("\\", ""))
                f.secret(f"define( '{name}',         '{v}' );", "credential-file", f"wp-config {name}", v)
        f.add("\n$table_prefix = 'wp_';\n\ndefine( 'WP_DEBUG', false );\n\nrequire_once ABSPATH . 'wp-settings.php';")
        f = c.file(f"{root}/src/Auth/TokenService.php")
        f.add("<?php\n\nnamespace App\\Auth;\n\nuse Firebase\\JWT\\JWT;\n\nclass TokenService\n{").fill("php", 15)
        s = g.secret_str()
        f.secret(f"        return JWT::encode($payload, '{s}', 'HS256');", "signing-key", "firebase/php-jwt literal", s)
        f.lookalike("        return JWT::decode($jwt, new Key(getenv('JWT_SECRET'), 'HS256'));", "signing-key", "getenv reference")
        f.fill("php", 15).add("}")
        f = c.file(f"{root}/src/Mail/Mailer.php")
        f.add("<?php\n\nnamespace App\\Mail;\n").fill("php", 10)
        k = g.mailgun()
        f.secret(f"        $mg = Mailgun::create('{k}');", "provider", "Mailgun key", k)
        pw = g.url_password()
        u = f"mysql://shop:{pw}@{g.pick(HOSTS)}.{g.pick(ORGS)}.internal:3306/shop"
        f.secret(f"        $dsn = '{u}';", "database", "mysql URL with password", u)
        f.fill("php", 5)
        self.generic(f, "php", "PHP class property")
        f.fill("php", 5)
        f = c.file(f"{root}/composer.lock")
        f.add('{\n    "packages": [')
        for i in range(g.r.randint(10, 20)):
            f.add(f'        {{\n            "name": "{g.pick(ORGS)}/{g.pick(NOUNS)}",\n            "version": "v2.{i}.0",\n            "source": {{')
            f.lookalike(f'                "reference": "{g.hexs(40)}"', "generic", "composer.lock git reference")
            f.add("            },")
            f.lookalike(f'            "dist": {{ "shasum": "{g.hexs(40)}" }}', "generic", "composer.lock shasum")
            f.add("        },")
        f.add("        {}\n    ]\n}")

    # -- Android
    def android(self, root):
        g, c = self.g, self.c
        f = c.file(f"{root}/app/src/main/res/values/strings.xml")
        f.add('<?xml version="1.0" encoding="utf-8"?>\n<resources>')
        f.add(f'    <string name="app_name">{g.pick(NOUNS).title()} Tracker</string>')
        for i in range(g.r.randint(10, 20)):
            f.add(f'    <string name="label_{g.pick(NOUNS)}_{i}">{g.pick(VERBS).title()} {g.pick(NOUNS)}</string>')
        sk = g.stripe_secret()
        f.secret(f'    <string name="stripe_secret_key">{sk}</string>', "frontend", "Stripe secret key in strings.xml", sk)
        s = g.secret_str()
        f.secret(f'    <string name="backend_api_secret">{s}</string>', "frontend", "API secret in strings.xml", s)
        f.lookalike('    <string name="api_key_hint">Enter your API key</string>', "frontend", "UI text about keys")
        f.lookalike(f'    <string name="default_web_client_id">{g.s(12, string.digits)}-{g.s(32, string.ascii_lowercase + string.digits)}.apps.googleusercontent.com</string>',
                    "frontend", "OAuth client id (public)")
        f.add("</resources>")
        f = c.file(f"{root}/app/build.gradle")
        f.add("plugins {\n    id 'com.android.application'\n    id 'org.jetbrains.kotlin.android'\n}\n\nandroid {\n    defaultConfig {")
        f.add(f"        applicationId \"com.{g.pick(ORGS)}.{g.pick(NOUNS)}\"\n        minSdk 26\n        targetSdk 34")
        gh = g.github()
        f.secret(f'        buildConfigField "String", "GITHUB_TOKEN", "\\"{gh}\\""', "frontend", "GitHub token in build.gradle", gh)
        f.lookalike('        buildConfigField "String", "MAPS_KEY", "\\"${project.findProperty(\'mapsKey\')}\\""', "frontend", "gradle property reference")
        f.add("    }\n}")
        f = c.file(f"{root}/app/src/main/java/com/app/net/ApiClient.kt")
        f.add("package com.app.net\n\nimport okhttp3.OkHttpClient\n").fill("kt", 12)
        t = g.jwt()
        f.secret(f'private const val SERVICE_JWT = "{t}"', "frontend", "JWT in Android code", t)
        host = f"api.{g.pick(ORGS)}-mobile.net"
        f.secret(f'    val req = Request.Builder().url("http://{host}/v2/{g.pick(NOUNS)}s").header("Authorization", "Bearer $token").build()',
                 "http-bearer", "OkHttp Bearer to plain-http host")
        f.fill("kt", 15)
        for i in range(3):
            c.file(f"{root}/app/src/main/java/com/app/ui/{g.pick(NOUNS).title()}{i}Activity.kt").fill("kt", g.r.randint(40, 90))

    # -- iOS
    def ios(self, root):
        g, c = self.g, self.c
        f = c.file(f"{root}/App/Info.plist")
        f.add('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>')
        f.add("\t<key>CFBundleIdentifier</key>\n\t<string>$(PRODUCT_BUNDLE_IDENTIFIER)</string>\n\t<key>CFBundleShortVersionString</key>\n\t<string>2.3.0</string>")
        f.add("\t<key>API_KEY</key>")
        f.lookalike("\t<string>$(API_KEY)</string>", "frontend", "xcconfig $(VAR) reference")
        f.add("\t<key>SlackBotToken</key>")
        tok = g.slack_bot()
        f.secret(f"\t<string>{tok}</string>", "frontend", "Slack token in Info.plist", tok)
        f.add(f"\t<key>APIBaseURL</key>\n\t<string>https://api.{g.pick(ORGS)}.io</string>\n</dict>\n</plist>")
        f = c.file(f"{root}/App/Services/APIClient.swift")
        f.add("import Foundation\n").fill("swift", 12)
        s = g.secret_str()
        f.secret(f'    private let clientSecret = "{s}"', "frontend", "client secret literal in Swift", s)
        f.lookalike('    private let apiKey = Bundle.main.object(forInfoDictionaryKey: "API_KEY") as? String', "frontend", "Info.plist lookup")
        f.fill("swift", 15)
        for i in range(3):
            c.file(f"{root}/App/Views/{g.pick(NOUNS).title()}{i}View.swift").add("import SwiftUI\n").fill("swift", g.r.randint(40, 80))

    # -- infrastructure
    def infra(self, root):
        g, c = self.g, self.c
        f = c.file(f"{root}/terraform/main.tf")
        f.add('terraform {\n  required_version = ">= 1.6"\n}\n\nprovider "aws" {\n  region     = "eu-west-1"')
        ak, sk = g.aws_key_id(), g.aws_secret()
        f.secret(f'  access_key = "{ak}"', "provider", "AWS key id in Terraform", ak)
        f.secret(f'  secret_key = "{sk}"', "provider", "AWS secret in Terraform", sk)
        f.add('}\n\nprovider "azurerm" {\n  features {}')
        f.lookalike(f'  tenant_id       = "{g.uuid()}"', "generic", "Azure tenant UUID")
        f.lookalike(f'  subscription_id = "{g.uuid()}"', "generic", "Azure subscription UUID")
        f.add('}\n\nresource "aws_db_instance" "main" {\n  engine   = "postgres"\n  username = "app"')
        pw = g.password()
        f.secret(f'  password = "{pw}"', "generic", "Terraform DB password literal", pw)
        f.add("}\n\nresource \"aws_db_instance\" \"replica\" {")
        f.lookalike("  password = var.db_password", "generic", "var reference")
        f.add("}\n").fill("tf", 40)
        f = c.file(f"{root}/terraform/terraform.tfvars")
        f.add('environment = "production"\ninstance_count = 3')
        pw = g.password()
        f.secret(f'db_password = "{pw}"', "generic", "tfvars password", pw)

        f = c.file(f"{root}/k8s/deployment.yaml")
        f.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api")
        f.lookalike(f"          image: ghcr.io/{g.pick(ORGS)}/api@sha256:{g.hexs(64)}", "generic", "image digest")
        f.add("          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password")
        f.add("            - name: STRIPE_KEY")
        sk = g.stripe_secret()
        f.secret(f'              value: "{sk}"', "provider", "Stripe key in a Deployment env", sk)

        f = c.file(f"{root}/k8s/secret.yaml")
        f.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\ntype: Opaque\ndata:")
        f.lookalike(f"  ENVIRONMENT: {base64.b64encode(b'production').decode()}", "encoded", "base64 of a plain word")
        f.lookalike(f"  DB_PORT: {base64.b64encode(b'5432').decode()}", "encoded", "base64 of a port")
        tok, what = g.provider_token()
        enc = base64.b64encode(tok.encode()).decode()
        f.secret(f"  VENDOR_TOKEN: {enc}", "encoded", f"base64 of a {what} in a Secret", enc)
        pw = g.url_password()
        u = f"postgres://app:{pw}@db.{g.pick(ORGS)}.internal:5432/app"
        enc = base64.b64encode(u.encode()).decode()
        f.secret(f"  DATABASE_URL: {enc}", "encoded", "base64 of a postgres URL in a Secret", enc)

        f = c.file(f"{root}/k8s/tls-secret.yaml")
        f.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:")
        f.lookalike(f"  tls.crt: {base64.b64encode(self.certificate('api.acme.test').encode()).decode()}", "encoded", "base64 of a certificate")
        key, note = self.pem_key("ec1")
        enc = base64.b64encode(key.encode()).decode()
        f.secret(f"  tls.key: {enc}", "encoded", "base64 of " + note, enc)

        f = c.file(f"{root}/helm/values.yaml")
        f.add("replicaCount: 2\nimage:\n  repository: app\n  tag: 1.4.2\nredis:\n  enabled: true\n  auth:")
        pw = g.password()
        f.secret(f'    password: "{pw}"', "generic", "Helm values password", pw)
        f.add("").fill("yaml", 10)
        f.add("partner:")
        self.generic(f, "yaml", "Helm values")
        f.fill("yaml", 10)
        f = c.file(f"{root}/helm/templates/secret.yaml")
        f.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\nstringData:")
        f.lookalike("  password: {{ .Values.db.password | quote }}", "generic", "{{ .Values }} reference")

        f = c.file(f"{root}/docker-compose.yml")
        f.add("services:\n  db:")
        f.lookalike(f"    image: postgres:16@sha256:{g.hexs(64)}", "generic", "image digest")
        f.add("    environment:")
        pw = g.password()
        f.secret(f"      POSTGRES_PASSWORD: {pw}", "generic", "compose POSTGRES_PASSWORD", pw)
        f.add("  api:\n    build: .\n    environment:")
        pw2 = g.url_password()
        u = f"postgres://app:{pw2}@db:5432/app"
        f.secret(f"      DATABASE_URL: {u}", "database", "postgres URL in compose", u)
        f.lookalike("      REDIS_PASSWORD: ${REDIS_PASSWORD}", "generic", "${VAR} reference")
        amqp_pw = g.url_password()
        u = f"amqp://worker:{amqp_pw}@rabbitmq.{g.pick(ORGS)}.internal:5672/"
        f.secret(f"      BROKER_URL: {u}", "database", "amqp URL with password", u)

        f = c.file(f"{root}/.github/workflows/ci.yml")
        f.add("name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:")
        f.lookalike(f"      - uses: actions/checkout@{g.hexs(40)} # v4", "generic", "pinned action SHA")
        f.lookalike(f"      - uses: actions/setup-node@{g.hexs(40)} # v4", "generic", "pinned action SHA")
        f.add("      - run: npm ci\n      - run: npm test\n        env:")
        f.lookalike("          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}", "provider", "${{ secrets.X }} reference")
        gl = g.gitlab() if g.chance(0.5) else g.github_fine_grained()
        f.secret(f"          MIRROR_TOKEN: {gl}", "provider", "token pasted into a workflow", gl)

        f = c.file(f"{root}/deploy/.netrc")
        f.add(f"machine git.{g.pick(ORGS)}.io\n  login deploy")
        pw = g.password()
        f.secret(f"  password {pw}", "credential-file", ".netrc password", pw)
        f.add(f"\nmachine api.{g.pick(ORGS)}.io\n  login ci")
        f.lookalike("  password changeme", "credential-file", ".netrc placeholder password")

        f = c.file(f"{root}/deploy/.git-credentials")
        pw = g.url_password()
        f.secret(f"https://deploy-bot:{pw}@git.{g.pick(ORGS)}.io", "credential-file", ".git-credentials URL", pw)

        f = c.file(f"{root}/deploy/docker/config.json")
        auth = base64.b64encode(f"robot:{g.password()}".encode()).decode()
        f.add('{\n  "auths": {\n    "registry.' + g.pick(ORGS) + '.io": {')
        f.secret(f'      "auth": "{auth}"', "credential-file", "docker config.json auths entry", auth)
        f.add("    }\n  }\n}")

        f = c.file(f"{root}/scripts/deploy.sh")
        f.add("#!/usr/bin/env bash\nset -euo pipefail\n").fill("sh", 12)
        basic = base64.b64encode(f"admin:{g.password()}".encode()).decode()
        f.secret(f'curl -fsS -H "Authorization: Basic {basic}" https://artifacts.{g.pick(ORGS)}.io/api/release', "encoded",
                 "Authorization: Basic base64(user:pass)", basic)
        f.lookalike('curl -fsS -H "Authorization: Bearer ${DEPLOY_TOKEN}" https://artifacts.example.com/api/release', "jwt", "${VAR} reference")
        f.fill("sh", 8)

        f = c.file(f"{root}/ansible/files/id_deploy")
        key, note = self.pem_key(g.pick(["ssh-ed", "ssh-rsa"]))
        f.secret(key.rstrip("\n"), "private-key", note)
        f = c.file(f"{root}/ansible/files/id_deploy.pub")
        f.lookalike(keygen.openssh_ed25519(g.r, "deploy@ci")[1], "private-key", "SSH public key")
        f = c.file(f"{root}/certs/server.key")
        key, note = self.pem_key(g.pick(["rsa8", "ec8", "rsa1"]))
        f.secret(key.rstrip("\n"), "private-key", note + " file")
        f = c.file(f"{root}/certs/server.crt")
        f.lookalike(self.certificate(f"{g.pick(HOSTS)}.acme.test").rstrip("\n"), "private-key", "X.509 certificate")
        f = c.file(f"{root}/certs/jwt-public.pem")
        f.lookalike(self.public_pem().rstrip("\n"), "private-key", "PEM public key")

        f = c.file(f"{root}/gcp/service-account.json")
        key, _ = self.pem_key("rsa8")
        proj = f"{g.pick(ORGS)}-{g.pick(NOUNS)}-{g.s(4, string.digits)}"
        f.add('{\n  "type": "service_account",\n  "project_id": "' + proj + '",')
        f.add(f'  "private_key_id": "{g.hexs(40)}",')
        f.secret('  "private_key": ' + json.dumps(key) + ",", "private-key", "PKCS#8 key in a service-account JSON string")
        f.add(f'  "client_email": "deployer@{proj}.iam.gserviceaccount.com",\n  "client_id": "{g.s(21, string.digits)}",')
        f.add('  "token_uri": "https://oauth2.googleapis.com/token"\n}')

        f = c.file(f"{root}/config/signing.yaml")
        f.add("signing:\n  algorithm: ES256")
        key, note = self.pem_key("ec8")
        f.add("  private_key: |")
        f.secret("\n".join("    " + ln for ln in key.rstrip("\n").split("\n")), "private-key", note + " in a YAML block scalar")
        f.add("  rotate_days: 90")

        f = c.file(f"{root}/src/keys.js")
        key, note = self.pem_key("ec1")
        f.add("// Loaded by the token service at start-up.").fill("js", 6)
        f.secret(f"const SIGNING_KEY = {json.dumps(key)};", "private-key", note + " with \\n escapes in JS")
        f.lookalike("if (pem.startsWith('-----BEGIN RSA PRIVATE KEY-----')) { format = 'pkcs1'; }", "private-key",
                    "PEM header string in code")
        f.fill("js", 8)

    # -- docs
    def docs(self, root):
        g, c = self.g, self.c
        f = c.file(f"{root}/getting-started.md")
        f.add("# Getting started\n").fill("md", 12)
        f.add("Configure the AWS CLI with your credentials:\n\n```ini\n[default]")
        f.lookalike("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "provider", "AWS documentation example key id")
        f.lookalike("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "provider", "AWS documentation example secret")
        f.add("```\n").fill("md", 8)
        f.add("Your key file looks like this:\n\n```")
        f.lookalike("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----", "private-key", "truncated PEM doc snippet")
        f.add("```\n\nor, for PKCS#8:\n\n```")
        f.lookalike("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n-----END PRIVATE KEY-----", "private-key",
                    "truncated PKCS#8 doc snippet")
        f.add("```\n\nThe public half, which is safe to share:\n\n```")
        f.lookalike(self.public_pem().rstrip("\n"), "private-key", "PEM public key in docs")
        f.add("```\n").fill("md", 10)
        f.add("Example request:\n\n```http\nGET /v1/me HTTP/1.1\nHost: api.example.com")
        f.lookalike("Authorization: Bearer <your-access-token>", "jwt", "placeholder")
        f.add("```\n")
        f.lookalike(f"Request ids are UUIDs such as `{g.uuid()}`.", "generic", "UUID in docs")
        f.fill("md", 10)

        f = c.file(f"{root}/incident-2024-03.md")
        f.add("# Postmortem: staging outage\n").fill("md", 8)
        f.add("The failing request, copied from the logs:\n\n```")
        t = g.jwt()
        f.secret(f"Authorization: Bearer {t}", "jwt", "JWT pasted into a postmortem", t)
        f.add("```\n")
        f.add("The key that was rotated afterwards:\n\n```")
        key, note = self.pem_key(g.pick(["rsa1", "ec1"]))
        f.secret(key.rstrip("\n"), "private-key", note + " pasted into docs")
        f.add("```\n").fill("md", 8)

        f = c.file(f"{root}/CHANGELOG.md")
        f.add("# Changelog\n")
        for i in range(g.r.randint(15, 30)):
            f.lookalike(f"- {g.pick(VERBS).title()} {g.pick(NOUNS)} handling ({g.hexs(40)})", "generic", "git SHA in changelog")
        f = c.file(f"{root}/api.http")
        f.add(f"### List {g.pick(NOUNS)}s\nGET https://api.example.com/v1/items\nAuthorization: Bearer {{{{token}}}}\n")
        f = c.file(f"{root}/auth.md")
        f.add("# Authentication\n").fill("md", 6)
        f.lookalike(f"A token looks like `{g.jwt_bad_header()}` (truncated).", "jwt", "JWT-like string with non-JSON header")
        weak = g.jwt(alg="HS256", secret=g.secret_str())
        f.secret(f"Test token for the sandbox: `{weak}`", "jwt", "sandbox JWT in docs", weak)
        f.lookalike(f"GitHub tokens look like `{g.github_bad_checksum()}` but that one is not valid.", "provider",
                    "ghp_ with wrong CRC32 checksum")
        f.fill("md", 6)


class Keys:
    """Key material, one RSA-2048 and otherwise RSA-1024/EC (pure Python RSA-2048 takes ~1 s)."""

    def __init__(self, g):
        self.g = g
        self.count = 0
        self._public = []

    def public_rsa(self):
        """A key for public-key and certificate look-alikes (a small shared pool: they are not secrets)."""
        if len(self._public) < 2:
            self._public.append(keygen.RsaKey(1024, self.g.r))
        return self.g.pick(self._public)

    def rsa(self):
        self.count += 1
        return keygen.RsaKey(2048 if self.count == 1 else 1024, self.g.r)

    def ec(self):
        return keygen.EcKey(self.g.r)


PROJECTS = [
    ("node_api", "services/{n}-api"), ("nextjs", "web/{n}-web"), ("flask", "services/{n}-py"),
    ("django", "services/{n}_portal"), ("go_service", "services/{n}-svc"), ("spring", "services/{n}-java"),
    ("rails", "apps/{n}-rails"), ("php", "apps/{n}-wp"), ("android", "mobile/{n}-android"),
    ("ios", "mobile/{n}-ios"), ("infra", "infra/{n}"), ("docs", "docs/{n}"),
]


def build(seed, copies, fill_scale):
    corpus = Corpus(seed, fill_scale)
    projects = Projects(corpus, Keys(corpus.g))
    names = list(NOUNS)
    corpus.g.r.shuffle(names)
    for i in range(copies):
        for kind, pattern in PROJECTS:
            getattr(projects, kind)(pattern.format(n=names[i % len(names)] + (str(i) if i >= len(names) else "")))
    return corpus


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (tree/ and labels.json are written here)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--copies", type=int, default=3, help="copies of each project type (corpus size)")
    ap.add_argument("--fill-scale", type=int, default=8, help="multiplier for ordinary code around the plants")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("--values", action="store_true",
                    help="also write OUT/values.json: every planted secret value (for the no-leak test)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    corpus = build(args.seed, args.copies, args.fill_scale)
    labels, size = corpus.write(args.out, args.values)
    if not args.quiet:
        counts = {}
        for lab in labels:
            counts.setdefault(lab["category"], {}).setdefault(lab["kind"], 0)
            counts[lab["category"]][lab["kind"]] += 1
        print(f"{len(corpus.files)} files, {size / 1e6:.2f} MB, {len(labels)} labels -> {args.out}")
        for cat in CATEGORIES:
            k = counts.get(cat, {})
            print(f"  {cat:16} secret {k.get('secret', 0):4}  lookalike {k.get('lookalike', 0):4}"
                  f"  info-expected {k.get('info-expected', 0):3}")


if __name__ == "__main__":
    main()
