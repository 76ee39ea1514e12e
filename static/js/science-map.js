/* The science-education bases map (科普地图): vendored Leaflet + markercluster.
   Works offline: the bundled outline of China's provinces is the base layer; a tile
   server is added on top only when the SCIENCE_TILE_URL setting names one. */
(function () {
  "use strict";
  var el = document.getElementById("science-map");
  if (!el || typeof L === "undefined") { return; }

  var map = L.map(el, { center: [35.0, 104.0], zoom: 4, minZoom: 3, maxZoom: 18, preferCanvas: false });
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: el.getAttribute("data-tile-attribution") || "", maxZoom: 18 }).addTo(map);
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  var outlineUrl = el.getAttribute("data-outline-url");
  if (outlineUrl) {
    getJSON(outlineUrl).then(function (geojson) {
      var outline = L.geoJSON(geojson, {
        interactive: false,
        style: { color: "#6c8ebf", weight: 1, fillColor: "#eef3fa", fillOpacity: tileUrl ? 0 : 0.8 }
      }).addTo(map);
      outline.bringToBack();
    }).catch(function () { /* the markers still show without the outline */ });
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value || "";
    return span.innerHTML;
  }

  var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
  map.addLayer(clusters);

  getJSON(el.getAttribute("data-bases-url")).then(function (collection) {
    var bounds = [];
    collection.features.forEach(function (feature) {
      var c = feature.geometry.coordinates; // [lon, lat]
      var p = feature.properties;
      var marker = L.marker([c[1], c[0]], { title: p.name, alt: p.name });
      marker.bindPopup(
        '<div class="science-popup"><strong><a href="' + text(p.url) + '">' + text(p.name) + "</a></strong>" +
        '<div class="small">' + text(p.type_title) + " · " + text(p.city) + "</div>" +
        '<div class="small">' + text(p.address) + "</div>" +
        (p.opening_hours ? '<div class="small">开放时间：' + text(p.opening_hours) + "</div>" : "") + "</div>"
      );
      clusters.addLayer(marker);
      bounds.push([c[1], c[0]]);
    });
    el.setAttribute("data-markers", String(bounds.length));
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 11 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 11);
    }
  }).catch(function () {
    el.setAttribute("data-markers", "error");
  });
}());
