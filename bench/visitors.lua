-- wrk script: visitors who read pages and, some of them, sign (GET the form, POST it back
-- with the form's signed token, as a browser that sends no Origin does; no session).
--
--   wrk -t16 -c16 -s bench/visitors.lua URL -- SHARE RUN PATH...
--
-- SHARE: the fraction of visits that sign (1 = every visit signs, 0.05 = the big day);
-- RUN: a tag that keeps this run's organisations apart from earlier runs';
-- PATH...: the pages the readers pick from at random.
-- Run with as many threads as connections: each thread's state is one visitor's.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  share = tonumber(args[1]) or 0
  run = args[2] or "0"
  paths = {}
  for i = 3, #args do table.insert(paths, args[i]) end
  if #paths == 0 then paths = {"/en/"} end
  math.randomseed(id * 7919 + os.time())
  step, number, token = "read", 0, nil
  signed, failed = 0, 0
end

local function form()
  number = number + 1
  local tag = run .. "-" .. id .. "-" .. number
  return "csrf_token=" .. token .. "&name=Bench+Organisation+" .. tag ..
    "&category=ngo&city=Gent&region=east_flanders&contact_name=Bench+Signer" ..
    "&contact_email=bench-" .. tag .. "%40org.example&consent_publish=y"
end

function request()
  if step == "post" then
    return wrk.format("POST", "/en/sign", {
      ["Content-Type"] = "application/x-www-form-urlencoded"}, form())
  end
  if share > 0 and math.random() < share then
    step = "form"
    return wrk.format("GET", "/en/sign")
  end
  step = "read"
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if step == "form" then
    token = body:match('name="csrf_token"[^>]-value="([^"]+)"')
    if status == 200 and token then step = "post" else failed = failed + 1 end
  elseif step == "post" then
    if status == 303 then signed = signed + 1 else failed = failed + 1 end
    step = "read"
  end
end

function done(summary, latency, requests)
  local total_signed, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_signed = total_signed + thread:get("signed")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format("sign-ups: %d failed: %d\n", total_signed, total_failed))
end
