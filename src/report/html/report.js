// The script of `sgcheck report`, embedded in every report (src/report/html_report.cc): sorting
// and filtering the findings table, filtering the exposure table. It fetches nothing. Entry point:
// the DOMContentLoaded handler at the end.
"use strict";

// Shows the findings rows that pass the severity and check filters; says how many are shown.
function filterFindings() {
  const severity = document.getElementById("severity-filter").value;
  const check = document.getElementById("check-filter").value;
  const rows = document.querySelectorAll("#findings-table tbody tr");
  let shown = 0;
  for (const row of rows) {
    const visible = (severity === "" || row.dataset.severity === severity) &&
                    (check === "" || row.dataset.check === check);
    row.hidden = !visible;
    if (visible) shown += 1;
  }
  document.getElementById("findings-shown").textContent =
      shown + " of " + rows.length + " findings shown";
}

// Sorts a table's body by one column: data-sort-value when the cell has one, else its text.
function sortTable(table, column, header) {
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const th of table.querySelectorAll("th")) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const key = (row) => {
    const cell = row.cells[column];
    return cell.dataset.sortValue !== undefined ? cell.dataset.sortValue : cell.textContent;
  };
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const order = key(a).localeCompare(key(b), undefined, {numeric: true});
    return ascending ? order : -order;
  });
  for (const row of rows) body.appendChild(row);
}

function makeSortable(table) {
  const headers = table.querySelectorAll("thead th");
  headers.forEach((header, column) => {
    header.classList.add("sortable");
    header.addEventListener("click", () => sortTable(table, column, header));
  });
}

// Shows the exposure rows whose text holds the filter (case-insensitive).
function filterExposure() {
  const text = document.getElementById("exposure-filter").value.toLowerCase();
  for (const row of document.querySelectorAll("#exposure-table tbody tr")) {
    row.hidden = text !== "" && !row.textContent.toLowerCase().includes(text);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("severity-filter").addEventListener("change", filterFindings);
  document.getElementById("check-filter").addEventListener("change", filterFindings);
  makeSortable(document.getElementById("findings-table"));
  const exposure = document.getElementById("exposure-filter");
  if (exposure) exposure.addEventListener("input", filterExposure);
  filterFindings();
});
