/*
 * Draw a Chart.js chart from the table it illustrates, so a chart and its table can never
 * disagree: the figures exist once, in the HTML table (readable without JavaScript, exported
 * as CSV), and the chart is only a picture of them.
 *
 * <table data-chart="line|bar" data-chart-title="..." [data-chart-order="reverse"]>
 *   <thead><tr><th>Year</th><th data-series>People</th>
 *              <th data-series data-axis="rank">Rank</th>
 *              <th data-series data-dashed>Target</th></tr></thead>
 *   <tbody><tr><td>2024</td><td data-value="12">12</td>...</tr></tbody>
 * </table>
 *
 * The first column gives the labels; each header cell marked data-series is one data set.
 * A cell's value is its data-value attribute (unlocalised, set by the template) or else its
 * text; an empty value or a dash is a gap, not a zero. data-axis="rank" plots on a reversed
 * right-hand axis (rank 1 on top). data-chart-order="reverse" plots the rows bottom-up, for
 * tables listed newest first. The canvas goes into [data-chart-for="<table id>"] when the
 * page has one, otherwise just before the table.
 */
(function () {
  "use strict";

  const COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];

  function cellValue(cell) {
    if (!cell) return null;
    const raw = (cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent)
      .replace(/[\s\u00a0%]/g, "");
    if (raw === "" || raw === "—" || raw === "-") return null;
    const number = Number(raw.replace(",", "."));
    return Number.isFinite(number) ? number : null;
  }

  function readTable(table) {
    const headers = Array.from(table.tHead.rows[0].cells);
    let rows = Array.from(table.tBodies[0].rows).filter((row) => !row.hasAttribute("data-empty"));
    if (table.dataset.chartOrder === "reverse") rows = rows.reverse();
    const labels = rows.map((row) => row.cells[0].textContent.trim());
    const datasets = [];
    headers.forEach((header, index) => {
      if (!header.hasAttribute("data-series")) return;
      // The series keeps its column's colour, so a target line can share its category's.
      const colour = header.dataset.colour || COLOURS[datasets.length % COLOURS.length];
      datasets.push({
        label: header.textContent.trim(),
        data: rows.map((row) => cellValue(row.cells[index])),
        borderColor: colour,
        backgroundColor: colour,
        borderDash: header.hasAttribute("data-dashed") ? [6, 4] : [],
        yAxisID: header.dataset.axis === "rank" ? "rank" : "y",
        spanGaps: false,
        tension: 0,
      });
    });
    return { labels, datasets };
  }

  function canvasFor(table) {
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", table.dataset.chartTitle || "");
    const box = document.createElement("div");
    box.className = "chart-box";
    box.style.position = "relative";
    box.style.height = "18rem";
    box.appendChild(canvas);
    const slot = table.id && document.querySelector(`[data-chart-for="${table.id}"]`);
    if (slot) slot.appendChild(box);
    else table.parentNode.insertBefore(box, table);
    return canvas;
  }

  function draw(table) {
    if (table.chart || typeof window.Chart === "undefined") return;
    const { labels, datasets } = readTable(table);
    if (!labels.length || !datasets.length) return;
    const scales = { y: { beginAtZero: true, position: "left" } };
    if (datasets.some((set) => set.yAxisID === "rank")) {
      scales.rank = {
        position: "right",
        reverse: true,
        min: 1,
        ticks: { precision: 0 },
        grid: { drawOnChartArea: false },
      };
    }
    table.chart = new window.Chart(canvasFor(table), {
      type: table.dataset.chart === "bar" ? "bar" : "line",
      data: { labels, datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { title: { display: !!table.dataset.chartTitle, text: table.dataset.chartTitle } },
        scales,
      },
    });
  }

  function drawAll(root) {
    root.querySelectorAll("table[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  // Tables swapped in by htmx get their chart too.
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
