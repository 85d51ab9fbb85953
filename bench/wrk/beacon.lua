-- The statistics beacon of a launch spike: page views of the essay, each from a browser of its
-- own (a new visitor), some from the newsletter's campaign link.
-- Arguments after `--`: the essay's page id, its path, run id.
local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  page, path, run = args[1], args[2], args[3]
  wrk.method = "POST"
end

request = function()
  counter = counter + 1
  local query = ""
  if counter % 3 == 0 then
    query = "utm_source%3Dnieuwsbrief%26utm_medium%3Demail%26utm_campaign%3Dlancering"
  end
  -- As the page's script sends it: the fields in the query string, no body.
  local target = "/stats/hit?page=" .. page .. "&kind=view&path=" .. path .. "&query=" .. query
    .. "&referrer=https%3A%2F%2Fwww.linkedin.com"
  -- Headers given here replace wrk.headers: each request names all of its own.
  local headers = {
    ["Sec-Fetch-Site"] = "same-origin",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128."
      .. run .. "." .. id .. "." .. counter,
  }
  return wrk.format(nil, target, headers)
end

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
