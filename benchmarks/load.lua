-- wrk script for benchmarks/load.py: each connection (one per wrk thread) is one signed-in
-- person who walks their own list of requests round and round. benchmarks/load.py writes
-- the lists into PLANS (below, replacing the marker) as a Lua table:
--   PLANS[n] = { cookie = "...", csrf = "...", steps = { {label, method, path, body}, ... } }
-- A POST carries the CSRF cookie and the form's token, and a fresh one-time submission
-- token (branchsite.submissions) as a browser that loaded the form anew would.
-- With one connection per thread, responses come back in the order of the requests, so
-- the label of the last request names the response's page.

PLANS = nil -- @@PLANS@@

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local plan, position, last_label
counts = {}

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (template:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function init(args)
  plan = PLANS[((id - 1) % #PLANS) + 1]
  position = 0
  math.randomseed(id * 7919 + os.time())
end

function request()
  position = position % #plan.steps + 1
  local step = plan.steps[position]
  last_label = step[1]
  local headers = { ["Cookie"] = plan.cookie }
  local body = nil
  if step[2] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = plan.origin
    headers["Referer"] = plan.origin .. step[3]
    body = step[4] .. "&csrfmiddlewaretoken=" .. plan.csrf .. "&submission=" .. uuid4()
  end
  return wrk.format(step[2], step[3], headers, body)
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  local key = last_label .. " " .. status
  if location:find("/accounts/login/", 1, true) then
    -- Sent to the login page: the session was lost. Counted apart, as an error.
    key = last_label .. " 999"
  end
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local theirs = thread:get("counts")
    for key, n in pairs(theirs) do
      merged[key] = (merged[key] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(merged) do
    table.insert(parts, string.format("%q:%d", key, n))
  end
  local e = summary.errors
  io.write(string.format(
    'LOADJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,'
      .. '"max_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
      .. '"counts":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ",")
  ))
end
