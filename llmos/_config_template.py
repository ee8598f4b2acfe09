"""The commented `llmos.toml` that `llmos init` writes (`llmos.config.DEFAULT_TOML`)."""

DEFAULT_TOML = """\
# LLM OS workspace configuration. Every key is optional; the defaults are shown.
# preset = "development"        # development | production | testing

[model]
provider = "test"               # anthropic | openai | test
# name = "claude-sonnet-4-5"    # model name (provider default if empty)
# base_url = "http://localhost:11434/v1"   # OpenAI-compatible servers (Ollama, vLLM, LM Studio)
# max_tokens = 4096

[budget]
total_usd = 25.0                # never spent past this, across runs
per_run_usd = 1.0               # a single run stops before passing this

# [pricing."my-local-model"]    # USD per million tokens, for models not in the built-in table
# input = 0.0
# output = 0.0

[security]
read_only = false
# extra_deny = ["git push"]
# allowed_paths = ["/data/shared"]

[learning]
follower_threshold = 0.92       # confidence to replay without the model
mixed_threshold = 0.75          # confidence to use a past run as an example
min_support = 2                 # successful runs before a plan replays
# noise_min_runs = 4            # runs that must each show a new value before a result field counts as noise

# [learning.extra_support]      # runs needed beyond min_support, by a plan's riskiest tool (MCP annotations)
# read_only = -1
# idempotent = 0
# write = 0                     # also every tool without annotations
# destructive = 1

[sentience]
enabled = true

[execution]
code_mode = "auto"              # run_code (one sandboxed Python program calling the tools): auto = in
                                #   LEARNER runs with more than code_mode_min_tools tools | on | off
# code_mode_min_tools = 10
# code_output_limit = 8000      # characters of a program's output the model sees
# code_timeout_s = 60.0         # wall clock of one program, its tool calls included
# defer_threshold = 30          # with more tools than this, only max_loaded_tools (the most used)
# max_loaded_tools = 10         #   are sent in full; the others load through tool search
tool_search = "auto"            # auto: Anthropic's server-side search with Anthropic, else client-side
# server_search_variant = "bm25"   # bm25 | regex (tool_search_tool_*_20251119)
# search_embeddings = "auto"    # fuse BM25 with small offline embeddings (extra `embeddings`): auto | on | off
# programmatic_tool_calling = false   # Anthropic: the code execution tool calls tools (allowed_callers)
tool_examples = true            # up to examples_per_tool argument sets from successful traced calls
# examples_per_tool = 3
# examples_min_success = 0.8    # a tool's success rate needed before its examples are shown
[memory]
session_max_tokens = 8000       # session history sent to the model (older turns shortened, then dropped)
facts_in_prompt = 3             # recalled facts shown to the model in LEARNER and MIXED runs
# embeddings = "off"            # "auto": fuse BM25 with embeddings when `llmos[embeddings]` is installed

# [agent]
# run_timeout_s = 600           # the watchdog stops a run still going after this (default: no limit)

# [mcp]
# ping_interval_s = 30          # the watchdog pings started MCP servers this often (0: never)
# ping_timeout_s = 10           #   and restarts one that does not answer within this

# [mcp.servers.files]
# command = "npx"
# args = ["-y", "@modelcontextprotocol/server-filesystem", "."]
# allow = ["read_*", "list_*"]  # tool-name globs this server may expose (default: all)
# deny = ["*delete*"]           # globs it may not (win over allow)
# read_only = true              # expose only tools annotated readOnlyHint

# [hooks]
# paths = ["mypackage.hooks:AuditHook"]

# [server]                      # llmos serve
# host = "127.0.0.1"            # anything but loopback needs a token
# token = "..."                 # or the environment's LLMOS_API_TOKEN: clients send Authorization: Bearer
# max_in_flight = 64            # runs at once; `queue` more wait (512), beyond: 429 with Retry-After
# approval_timeout_s = 60       # an `ask` nobody approves (POST /v1/approvals/ID) is denied after this
# schedule_tick_s = 1.0         # how often due scheduled goals are looked for (`llmos schedule add`)

# [durable]                     # runs survive a crash (extra `durable`: DBOS); kill -9 resumes at next start
# enabled = "auto"              # "auto": on for `llmos serve` when dbos is installed; true / false
# database_url = ""             # "": [storage] url if PostgreSQL, else .llmos/dbos.sqlite
# max_runs = 8                  # runs in flight at once, across servers (unset: no limit)
# per_model = 2                 # runs in flight at once per model (a provider's rate limit)

# [storage]                     # default: the workspace file .llmos/llmos.db (SQLite)
# url = "postgresql://llmos:secret@db-host/llmos"  # shared by several servers (pip install 'llmos[postgres]')
"""
