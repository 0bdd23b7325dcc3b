// What the dashboard's charts use of d3 (web/dashboard/lib.js), bundled by build.mjs into one
// ES module, dist/vendor/d3-charts.min.js: scales place the bars and tiles, the axis draws the
// ticks, the selection joins rows to SVG elements, the locale formats ticks the Swedish way.
export { axisBottom } from "d3-axis";
export { formatLocale } from "d3-format";
export { scaleBand, scaleLinear, scaleThreshold } from "d3-scale";
export { select } from "d3-selection";
