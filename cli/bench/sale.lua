-- wrk script: POSTs the signed sale bodies of bodies.jsonl (WP_BODIES), one after another, each
-- thread from its own offset, so every request is a new payment id.
local bodies = {}
local n = 0
local i = 0

function init(args)
  for line in io.lines(os.getenv("WP_BODIES")) do
    n = n + 1
    bodies[n] = line
  end
  i = (tonumber(args[1]) or 0) * 997
end

function request()
  i = i % n + 1
  return wrk.format("POST", "/v2/payment/wallet-partner/sale", {["Content-Type"] = "application/json"}, bodies[i])
end
