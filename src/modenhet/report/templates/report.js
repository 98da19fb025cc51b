// The overview's heatmap: sort by a column (click its heading) and filter by municipality.
// The page works without this script; it only adds the controls.
"use strict";
(function () {
  var table = document.getElementById("heatmap");
  if (!table) {
    return;
  }
  var messages = JSON.parse(document.getElementById("report-messages").textContent);
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filter = document.getElementById("heatmap-filter");
  var count = document.getElementById("heatmap-count");
  var search = rows.map(function (row) {
    return row.getAttribute("data-search").toLocaleLowerCase();
  });

  // A row's key for a column: the name, or the level in that column (null when the
  // document failed, so failed rows always go last).
  function key(row, column) {
    if (column === 0) {
      return row.getAttribute("data-name").toLocaleLowerCase();
    }
    if (row.classList.contains("failed")) {
      return null;
    }
    return Number(row.cells[column].getAttribute("data-value"));
  }

  function sortBy(column) {
    var heading = headings[column];
    var direction = heading.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var keyed = rows.map(function (row) {
      return { row: row, key: key(row, column), index: Number(row.getAttribute("data-index")) };
    });
    keyed.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.index - b.index : a.key === null ? 1 : -1;
      }
      var order = typeof a.key === "string" ? a.key.localeCompare(b.key) : a.key - b.key;
      return order !== 0 ? direction * order : a.index - b.index;
    });
    keyed.forEach(function (item) {
      body.appendChild(item.row);
    });
    headings.forEach(function (other) {
      other.setAttribute("aria-sort", "none");
    });
    heading.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
  }

  function applyFilter() {
    var query = filter.value.trim().toLocaleLowerCase();
    var shown = 0;
    rows.forEach(function (row, index) {
      var match = query === "" || search[index].indexOf(query) !== -1;
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    count.textContent = messages.shown
      .replace("{shown}", String(shown))
      .replace("{total}", String(rows.length));
  }

  headings.forEach(function (heading, column) {
    var button = heading.querySelector("button");
    if (button) {
      button.addEventListener("click", function () {
        sortBy(column);
      });
    }
  });
  filter.addEventListener("input", applyFilter);
  document.getElementById("heatmap-controls").hidden = false;
  applyFilter();
})();
