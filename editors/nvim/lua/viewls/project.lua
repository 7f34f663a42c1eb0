-- Which files belong to a viewls project: the root (nearest directory with a marker
-- file) and, read cheaply from viewls.toml, the globs of its view sources: `[project]`
-- views (SQL files), specs (dataset spec files) and builders (Python modules).
local M = {}

local uv = vim.uv or vim.loop -- vim.loop is deprecated since 0.10

-- What the server assumes for a key `[project]` does not set; builders are opt-in.
M.default_globs = { views = { "views/**/*.sql" }, specs = { "specs/**/*.toml" }, builders = {} }
local KINDS = { "views", "specs", "builders" }

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The nearest directory at or above `path` holding one of `markers`, or nil.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while true do
    for _, marker in ipairs(markers) do
      if exists(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local function read(path)
  local file = io.open(path, "r")
  if not file then
    return nil
  end
  local text = file:read("*a")
  file:close()
  return text
end

-- Parsed globs per config path, kept while the file's mtime is unchanged.
local cache = {}

--- The source globs of the project at `root` (its viewls.toml's `[project]` views,
--- specs and builders, each defaulted), as one list. Not a TOML parser: it reads the
--- arrays of strings it needs, and the server stays the judge of what the file means.
function M.source_globs(root)
  local config = root .. "/viewls.toml"
  local stat = uv.fs_stat(config)
  local text = ""
  if stat then
    local hit = cache[config]
    if hit and hit.mtime == stat.mtime.sec and hit.nsec == stat.mtime.nsec then
      return hit.globs
    end
    text = read(config) or ""
  end
  local globs = {}
  for _, kind in ipairs(KINDS) do
    vim.list_extend(globs, M.parse_globs(text, kind) or M.default_globs[kind])
  end
  if stat then
    cache[config] = { mtime = stat.mtime.sec, nsec = stat.mtime.nsec, globs = globs }
  end
  return globs
end

--- The `key` array (views, specs, builders) of the `[project]` table in TOML `text`,
--- or nil when absent.
function M.parse_globs(text, key)
  -- Comments go first: a `#` outside quotes starts one (globs hold no quotes).
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    local kept, quote = {}, nil
    for char in line:gmatch(".") do
      if quote then
        quote = (char ~= quote) and quote or nil
      elseif char == '"' or char == "'" then
        quote = char
      elseif char == "#" then
        break
      end
      kept[#kept + 1] = char
    end
    lines[#lines + 1] = table.concat(kept)
  end
  local section, body = nil, {}
  for _, line in ipairs(lines) do
    local header = line:match("^%s*%[([^%[%]]+)%]%s*$")
    if header then
      section = vim.trim(header)
    elseif section == "project" then
      body[#body + 1] = line
    end
  end
  local array = table.concat(body, "\n"):match("%f[%w_]" .. key .. "%s*=%s*(%b[])")
  if not array then
    return nil
  end
  local globs = {}
  for _, quoted in ipairs({ '"([^"]*)"', "'([^']*)'" }) do
    for glob in array:gmatch(quoted) do
      globs[#globs + 1] = glob
    end
  end
  return globs
end

-- A Lua pattern for one path segment of a glob: `*`, `?` and `[...]` classes.
local function segment_pattern(segment)
  local out, i = { "^" }, 1
  while i <= #segment do
    local char = segment:sub(i, i)
    if char == "*" then
      out[#out + 1] = "[^/]*"
    elseif char == "?" then
      out[#out + 1] = "[^/]"
    elseif char == "[" and segment:find("]", i + 2, true) then
      local close = segment:find("]", i + 2, true)
      local class = segment:sub(i + 1, close - 1):gsub("^!", "^"):gsub("%%", "%%%%")
      out[#out + 1] = "[" .. class .. "]"
      i = close
    else
      out[#out + 1] = char:gsub("%W", "%%%0")
    end
    i = i + 1
  end
  out[#out + 1] = "$"
  return table.concat(out)
end

local function split(path)
  local parts = {}
  for part in path:gmatch("[^/\\]+") do
    if part ~= "." then
      parts[#parts + 1] = part
    end
  end
  return parts
end

-- Whether path segments [p..] match glob segments [g..]; `**` spans zero or more.
local function match_parts(glob, g, path, p)
  if g > #glob then
    return p > #path
  end
  if glob[g] == "**" then
    for skip = p, #path + 1 do
      if match_parts(glob, g + 1, path, skip) then
        return true
      end
    end
    return false
  end
  return p <= #path and path[p]:match(segment_pattern(glob[g])) ~= nil and match_parts(glob, g + 1, path, p + 1)
end

--- Whether `relative` (a path below the project root, `/`-separated) matches `glob`.
--- Hidden files and directories never do, as the server's discovery skips them.
function M.glob_matches(glob, relative)
  local path = split(relative)
  for _, part in ipairs(path) do
    if part:sub(1, 1) == "." then
      return false
    end
  end
  return match_parts(split(glob), 1, path, 1)
end

--- The project root of the file at `path` when the file is one of its view sources
--- or its viewls.toml (whose problems the server reports too), else nil.
function M.source_root(path, markers)
  local root = M.find_root(path, markers)
  if not root then
    return nil
  end
  local absolute = vim.fn.fnamemodify(path, ":p")
  local relative = absolute:sub(#root + 2)
  if relative == "viewls.toml" then
    return root
  end
  for _, glob in ipairs(M.source_globs(root)) do
    if M.glob_matches(glob, relative) then
      return root
    end
  end
  return nil
end

return M
