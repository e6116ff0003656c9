-- wrk script: POSTs the signed sale bodies of bodies.jsonl (WP_BODIES); each thread takes every
-- k-th body from its own start, so no payment id is sent twice.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local bodies = {}
local n = 0
local i

function init(args)
  for line in io.lines(os.getenv("WP_BODIES")) do
    n = n + 1
    bodies[n] = line
  end
  i = id
end

function request()
  i = i + tonumber(os.getenv("WP_THREADS") or "2")
  return wrk.format("POST", "/v2/payment/wallet-partner/sale", {["Content-Type"] = "application/json"}, bodies[(i % n) + 1])
end
