-- POSTs of a public form, each with its own address (download) or its own text (comment).
-- Arguments after `--`: form kind ("download" or "comment"), form token, author email, run id.
local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  kind, token, author, run = args[1], args[2], args[3], args[4]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Sec-Fetch-Site"] = "same-origin"
end

local function escape(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  counter = counter + 1
  local body
  if kind == "download" then
    body = "name=Lezer+" .. id .. "-" .. counter
      .. "&email=" .. escape("lezer-" .. run .. "-" .. id .. "-" .. counter .. "@example.nl")
  else
    body = "name=Vaste+Lezer&email=" .. escape(author) .. "&url=&parent="
      .. "&text=" .. escape("Reactie " .. run .. "-" .. id .. "-" .. counter .. ": herkenbaar.")
  end
  body = body .. "&homepage=&form_token=" .. escape(token)
  return wrk.format(nil, nil, nil, body)
end

-- The same one-line JSON result as the GET scenarios.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
