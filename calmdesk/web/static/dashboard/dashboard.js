// The team lead's dashboard: figures, and SVG charts drawn here (no library, no CDN).
// Numbers come from /console/api/dashboard; every label goes in with textContent.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                   "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6"];
  const { el, api, status } = calmdesk;

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function words(name) { return name.replace(/_/g, " "); }
  function percent(rate) { return rate === null || rate === undefined ? "–" : Math.round(rate * 1000) / 10 + " %"; }
  function isoDay(date) { return date.toISOString().slice(0, 10); }

  // bars: [{label, parts: [{value, colour, title}]}]; stacked when a bar has several parts.
  function barChart(container, bars, options) {
    const height = 220, top = 10, bottom = 40, left = 40, width = Math.max(320, 40 + bars.length * (options.barWidth || 28));
    const max = Math.max(1, ...bars.map(b => b.parts.reduce((sum, p) => sum + p.value, 0)));
    const scale = (height - top - bottom) / max;
    // Drawn at its natural size (never scaled up), shrunk to fit a narrow screen.
    const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img" });
    svg.append(svgEl("title", {}, options.title));
    const ticks = Math.min(max, 4);
    for (let i = 0; i <= ticks; i++) {
      const value = Math.round(max * i / ticks);
      const y = height - bottom - value * scale;
      svg.append(svgEl("line", { x1: left - 4, x2: width, y1: y, y2: y, stroke: "#eee" }));
      svg.append(svgEl("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, value));
    }
    const step = (width - left) / Math.max(bars.length, 1);
    bars.forEach((bar, index) => {
      let y = height - bottom;
      const x = left + index * step + step * 0.15;
      for (const part of bar.parts) {
        if (!part.value) continue;
        const h = part.value * scale;
        y -= h;
        const rect = svgEl("rect", { x, y, width: step * 0.7, height: h, fill: part.colour });
        rect.append(svgEl("title", {}, `${bar.label} · ${part.title}: ${part.value}`));
        svg.append(rect);
      }
      const every = Math.ceil(bars.length / 15);
      if (index % every === 0) {
        svg.append(svgEl("text", { x: x + step * 0.35, y: height - bottom + 14, "text-anchor": "middle" }, bar.label));
      }
    });
    container.replaceChildren(svg);
  }

  function figure(label, value) {
    return el("div", { class: "figure" }, el("span", { class: "value" }, value), label);
  }

  function render(report) {
    const money = (amount) => report.currency + amount.toFixed(2);
    document.getElementById("figures").replaceChildren(
      figure("tickets", report.tickets),
      figure("handed to a person", percent(report.handoff.rate)),
      figure("recurrent", percent(report.recurrence.rate)),
      figure("satisfaction (" + report.satisfaction.answers + " answers)",
             report.satisfaction.average === null ? "–" : report.satisfaction.average + " / 5"),
      figure("remedies accepted / offered", report.remedies.accepted + " / " + report.remedies.offered),
      figure("cost of accepted remedies", money(report.remedies.cost)),
    );

    const colourOf = {};
    report.categories.forEach((c, i) => { colourOf[c] = COLOURS[i % COLOURS.length]; });
    barChart(document.getElementById("chart-days"), report.per_day.map(day => ({
      label: day.date.slice(5),
      parts: report.categories.map(c => ({ value: day.by_category[c], colour: colourOf[c], title: words(c) })),
    })), { title: "Tickets per day by category", barWidth: 22 });
    document.getElementById("legend-days").replaceChildren(...report.categories
      .filter(c => report.by_category[c] > 0)
      .map(c => el("li", {}, el("span", { class: "swatch", "data-category": c }), words(c) + " (" + report.by_category[c] + ")")));
    for (const swatch of document.querySelectorAll("#legend-days .swatch")) {
      swatch.style.background = colourOf[swatch.getAttribute("data-category")];
    }

    const anger = report.anger;
    barChart(document.getElementById("chart-anger"), anger.levels.map(level => ({
      label: level,
      parts: [{ value: anger.start[level], colour: "#e15759", title: "at the start" }],
    })).concat(anger.levels.map(level => ({
      label: level + " (end)",
      parts: [{ value: anger.end[level], colour: "#59a14f", title: "at the end" }],
    }))), { title: "Anger at the start (red) and at the end (green)", barWidth: 70 });
    document.getElementById("anger-change").textContent =
      `Calmer at the end: ${anger.calmer} · the same: ${anger.same} · angrier: ${anger.angrier}`;

    const dist = report.satisfaction.distribution;
    barChart(document.getElementById("chart-satisfaction"), Object.keys(dist).map(score => ({
      label: score, parts: [{ value: dist[score], colour: "#4e79a7", title: "answers" }],
    })), { title: "Satisfaction answers per score", barWidth: 60 });

    document.getElementById("remedy-rows").replaceChildren(...report.remedies.by_kind.map(kind => el("tr", {},
      el("td", {}, words(kind.kind)), el("td", {}, kind.offered), el("td", {}, kind.accepted),
      el("td", {}, kind.declined), el("td", {}, percent(kind.acceptance_rate)), el("td", {}, money(kind.cost)),
      el("td", {}, kind.accepted_without_price))));
  }

  async function load() {
    const from = document.getElementById("from").value;
    const to = document.getElementById("to").value;
    const query = "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to);
    document.getElementById("csv").setAttribute("href", "/console/api/dashboard.csv" + query);
    status("Loading…");
    const answer = await api("GET", "/console/api/dashboard" + query);
    if (!answer.ok) { status(answer.data.error || "Could not load the dashboard.", true); return; }
    status("");
    render(answer.data);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const today = new Date();
    document.getElementById("to").value = isoDay(today);
    document.getElementById("from").value = isoDay(new Date(today.getTime() - 29 * 86400000));
    document.getElementById("range").addEventListener("submit", (event) => { event.preventDefault(); load(); });
    load();
  });
})();
