-- Plain-text renderings of the server's command results (no editor state here).
local M = {}

local NULL = "NULL"

--- A cell as text: JSON null as NULL, integers without exponent, control characters
--- escaped so that every row stays one line.
function M.cell(value)
  if value == nil or value == vim.NIL then
    return NULL
  end
  if type(value) == "number" then
    if value == math.floor(value) and math.abs(value) < 2 ^ 53 then
      return ("%d"):format(value)
    end
    return tostring(value)
  end
  if type(value) == "table" then
    return vim.fn.json_encode(value)
  end
  return (tostring(value):gsub("\n", "\\n"):gsub("\r", "\\r"):gsub("\t", "\\t"))
end

local function truncate(text, width)
  if vim.fn.strdisplaywidth(text) <= width then
    return text
  end
  local chars = vim.fn.strchars(text)
  while chars > 0 and vim.fn.strdisplaywidth(text) > width - 1 do
    chars = chars - 1
    text = vim.fn.strcharpart(text, 0, chars)
  end
  return text .. "…"
end

local function pad(text, width, right)
  local gap = string.rep(" ", width - vim.fn.strdisplaywidth(text))
  return right and (gap .. text) or (text .. gap)
end

--- The lines of an aligned table for a `viewls.preview` result
--- ({columns = {{name, type}}, rows = {{...}}}): names, types, a rule, then rows;
--- numbers are right-aligned and cells cut at `max_width` display cells.
function M.table(result, max_width)
  max_width = max_width or 60
  local columns = result.columns or {}
  local rows = result.rows or {}
  local cells, widths, numeric = {}, {}, {}
  for c, column in ipairs(columns) do
    widths[c] = math.max(vim.fn.strdisplaywidth(column.name), vim.fn.strdisplaywidth(column.type))
  end
  for r, row in ipairs(rows) do
    cells[r] = {}
    for c = 1, #columns do
      local value = row[c]
      local text = truncate(M.cell(value), max_width)
      cells[r][c] = text
      numeric[c] = numeric[c] or type(value) == "number"
      widths[c] = math.max(widths[c], vim.fn.strdisplaywidth(text))
    end
  end
  local function line(texts, right)
    local parts = {}
    for c = 1, #columns do
      parts[c] = pad(texts[c], widths[c], right and numeric[c] and texts[c] ~= NULL)
    end
    return (table.concat(parts, " │ "):gsub("%s+$", ""))
  end
  local names, types, rule = {}, {}, {}
  for c, column in ipairs(columns) do
    names[c], types[c], rule[c] = column.name, column.type, string.rep("─", widths[c])
  end
  local lines = { line(names), line(types), (table.concat(rule, "─┼─")) }
  for r = 1, #rows do
    lines[#lines + 1] = line(cells[r], true)
  end
  if #rows == 0 then
    lines[#lines + 1] = "(no rows)"
  end
  return lines
end

function M.plural(count, word)
  return ("%d %s%s"):format(count, word, count == 1 and "" or "s")
end

--- The lines of a `viewls.materialize` summary: totals, then a line per view that was
--- built or did not succeed (up-to-date views are only counted).
function M.summary(result)
  local totals = result.summary or {}
  local head = ("materialized: %d built, %d up to date"):format(totals.built or 0, totals.up_to_date or 0)
  for _, key in ipairs({ "failed", "skipped", "cancelled" }) do
    if (totals[key] or 0) > 0 then
      head = head .. (", %d %s"):format(totals[key], key)
    end
  end
  local lines = { head .. (" in %.2fs"):format(totals.seconds or 0) }
  for _, view in ipairs(result.views or {}) do
    if view.status ~= "up to date" then
      local detail = view.status
      if view.rows ~= nil and view.rows ~= vim.NIL then
        detail = detail .. ", " .. M.plural(view.rows, "row")
      end
      if view.message ~= nil and view.message ~= vim.NIL then
        detail = detail .. ": " .. view.message
      end
      lines[#lines + 1] = ("  %s: %s"):format(view.name, detail)
    end
  end
  return lines
end

return M
