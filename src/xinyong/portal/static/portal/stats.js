/* Draws the statistics page's charts with the vendored ECharts, from the `stats-data` JSON
   the server rendered beside the tables. Every label arrives translated; without this file
   (or without ECharts) the page keeps its tables open and the chart boxes hidden. */
(function () {
  "use strict";

  var PALETTE = ["#1d4e89", "#b42318", "#2e7d6b", "#c98a13", "#6b4c9a", "#3c8dbc",
    "#8a5a44", "#5b6b7b", "#9aa5b1"];
  var NARROW = 600;

  function font() {
    return window.getComputedStyle(document.body).fontFamily;
  }

  function narrow(box) {
    return box.clientWidth < NARROW;
  }

  function base(box, data, legend) {
    var small = narrow(box);
    return {
      color: PALETTE,
      textStyle: { fontFamily: font(), color: "#1f2933" },
      animation: false,
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: function (value) {
          return value === null || value === undefined ? "—" : value + " " + data.unit;
        }
      },
      legend: legend ? { type: "scroll", top: 0, left: 0, right: 0, itemWidth: 14,
        itemHeight: 10, textStyle: { fontSize: small ? 12 : 13 } } : undefined,
      grid: { left: 4, right: small ? 36 : 48, top: legend ? 40 : 12, bottom: 8,
        containLabel: true }
    };
  }

  function monthly(box, data) {
    var option = base(box, data, true);
    option.xAxis = { type: "category", data: data.categories,
      axisLabel: { hideOverlap: true, fontSize: narrow(box) ? 11 : 12 } };
    option.yAxis = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#e4e9ef" } } };
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "records", data: s.data, barMaxWidth: 36 };
    });
    return option;
  }

  /* Horizontal bars list categories bottom-up: reverse them so the chart reads like the table. */
  function horizontal(box, data, stacked) {
    var option = base(box, data, stacked);
    option.yAxis = { type: "category", data: data.categories.slice().reverse(),
      axisLabel: { width: narrow(box) ? 96 : 180, overflow: "truncate" } };
    option.xAxis = { type: "value", minInterval: 1,
      splitLine: { lineStyle: { color: "#e4e9ef" } } };
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: stacked ? "total" : undefined,
        data: s.data.slice().reverse(), barMaxWidth: 22 };
    });
    return option;
  }

  function timeliness(box, data) {
    var option = horizontal(box, data, false);
    option.xAxis.max = 100;
    option.xAxis.axisLabel = { formatter: "{value}%" };
    option.series[0].label = { show: true, position: "right", formatter: function (p) {
      return p.value === null || p.value === undefined ? "" : p.value.toFixed(1) + "%";
    } };
    option.series[0].itemStyle = { color: PALETTE[0] };
    return option;
  }

  /* List entries by month: punishment and incentive side by side, in the colours of their
     badges on the subject pages. */
  var KIND_COLOURS = { punishment: "#b42318", incentive: "#067647" };

  function lists(box, data) {
    var option = monthly(box, data);
    option.series.forEach(function (s, i) {
      s.stack = undefined;
      s.barMaxWidth = 18;
      s.itemStyle = { color: KIND_COLOURS[data.series[i].kind] || PALETTE[i] };
    });
    return option;
  }

  var DRAW = {
    monthly: { option: monthly, height: function () { return 380; } },
    lists: { option: lists, height: function () { return 320; } },
    timeliness: { option: timeliness, height: function (d) { return 40 + 34 * d.categories.length; } },
    districts: {
      option: function (box, data) { return horizontal(box, data, true); },
      height: function (d) { return 80 + 30 * d.categories.length; }
    }
  };

  function draw() {
    var source = document.getElementById("stats-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var name = box.getAttribute("data-chart");
      var chart = DRAW[name];
      if (!chart || !data[name]) return;
      box.hidden = false;
      box.style.height = chart.height(data[name]) + "px";
      var instance = window.echarts.init(box, null, { renderer: "svg" });
      instance.setOption(chart.option(box, data[name]));
      charts.push({ box: box, instance: instance, draw: chart, data: data[name] });
      var details = box.parentNode.querySelector("details.chart-data");
      if (details) details.open = false;
    });
    var wasNarrow = charts.map(function (c) { return narrow(c.box); });
    window.addEventListener("resize", function () {
      charts.forEach(function (c, i) {
        if (narrow(c.box) !== wasNarrow[i]) {
          wasNarrow[i] = narrow(c.box);
          c.instance.setOption(c.draw.option(c.box, c.data), true);
        }
        c.instance.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
