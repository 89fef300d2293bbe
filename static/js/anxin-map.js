/* Anxin maps: draws a MapSpec (anxin/areas/maps.py) with Leaflet, offline by default.
 *
 * Markup (from {% anxin_map %}): <div class="anxin-map" data-anxin-map="ID-data"> and a JSON script #ID-data
 * holding {spec: {label, outlines, markers, routes, fit}, tile: {url, attribution, key, subdomains, datum}}.
 * Outline files are static GeoJSON (static/geo/), fetched only for the outlines a page shows. All coordinates
 * are GCJ-02; when a tile layer in WGS-84 is configured (tile.datum = "wgs84"), every overlay is converted.
 * Maps mount on load and whenever such a div appears later (htmx swaps); a map kept by hx-preserve redraws its
 * overlays from the new JSON without losing the user's pan/zoom.
 */
(function () {
  "use strict";
  if (window.AnxinMap) return;
  var CREDIT = '<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">© OpenStreetMap contributors (ODbL)</a>';
  var LEAFLET = '<a href="https://leafletjs.com" target="_blank" rel="noopener">Leaflet</a>';
  var RADIUS = {technician: 8, service_point: 7, destination: 7, job: 5, unassigned: 5};
  var outlineCache = {};

  // GCJ-02 → WGS-84 (one correction step, ~1 m error: below what these maps can show).
  var A = 6378245.0, EE = 0.00669342162296594323;
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  }
  function tLng(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  }
  function gcjToWgs(lat, lng) {
    var dLat = tLat(lng - 105, lat - 35), dLng = tLng(lng - 105, lat - 35);
    var rad = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dLat = dLat * 180 / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    dLng = dLng * 180 / (A / sq * Math.cos(rad) * Math.PI);
    return [lat - dLat, lng - dLng];
  }

  function matches(feature, code) {
    var p = feature.properties;
    return p.code === code || (p.includes || []).indexOf(code) >= 0;
  }

  function fetchOutline(url) {
    if (!outlineCache[url]) {
      outlineCache[url] = fetch(url, {credentials: "same-origin"}).then(function (r) {
        if (!r.ok) throw new Error(url + ": " + r.status);
        return r.json();
      });
    }
    return outlineCache[url];
  }

  function MapView(el, config) {
    var self = this;
    this.el = el;
    this.toLatLng = config.tile.datum === "wgs84"
      ? function (lat, lng) { return L.latLng(gcjToWgs(lat, lng)); }
      : function (lat, lng) { return L.latLng(lat, lng); };
    var map = this.map = L.map(el, {attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false, minZoom: 3, maxZoom: 17});
    // The credit is part of the map itself, not of a layer: it shows whatever else is (or is not) loaded.
    L.control.attribution({prefix: LEAFLET}).addAttribution(CREDIT).addTo(map);
    map.createPane("outlines").style.zIndex = 350; // under markers and routes
    if (config.tile.url) {
      L.tileLayer(config.tile.url, {
        key: config.tile.key, subdomains: config.tile.subdomains || "abc",
        attribution: config.tile.attribution, maxZoom: 18
      }).addTo(map);
    }
    // Wheel zoom only once the user has clicked the map, so scrolling the page never gets caught by it.
    map.on("click focus", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });
    this.outlineLayer = L.layerGroup().addTo(map);
    this.overlayLayer = L.layerGroup().addTo(map);
    this.fitted = false;
    map.setView([35, 104], 4); // until the data says where to look
    el.anxinMap = this;
    self.update(config);
  }

  MapView.prototype.update = function (config) {
    var spec = config.spec, self = this;
    this.spec = spec;
    this.drawOverlays(spec);
    var key = JSON.stringify(spec.outlines);
    if (key === this.outlineKey) return;
    if (!spec.outlines.length) {
      this.outlineKey = key;
      this.outlineLayer.clearLayers();
      this.fitFirst(null, L.latLngBounds([]));
      return;
    }
    this.outlineKey = key;
    Promise.all(spec.outlines.map(function (o) { return fetchOutline(o.url); })).then(function (files) {
      if (self.outlineKey !== key) return; // a newer update won
      self.drawOutlines(spec.outlines, files);
    }).catch(function (err) {
      self.el.setAttribute("data-error", String(err));
    });
  };

  MapView.prototype.drawOutlines = function (outlines, files) {
    var self = this, focusBounds = null, allBounds = L.latLngBounds([]);
    this.outlineLayer.clearLayers();
    outlines.forEach(function (o, i) {
      var layer = L.geoJSON(files[i], {
        pane: "outlines",
        coordsToLatLng: function (c) { return self.toLatLng(c[1], c[0]); },
        style: function (f) {
          var code = f.properties.code, cls = "anxin-area anxin-area--" + (o.shading[code] || "plain");
          if (o.focus && matches(f, o.focus)) cls += " anxin-area--focus";
          else if (o.focus) cls += " anxin-area--context";
          if (o.links[code]) cls += " anxin-area--link";
          return {className: cls, weight: 1};
        },
        onEachFeature: function (f, path) {
          var code = f.properties.code;
          path.bindTooltip(o.titles[code] || f.properties.name, {sticky: true});
          if (o.links[code]) path.on("click", function () { window.location.href = o.links[code]; });
          if (o.focus && matches(f, o.focus)) focusBounds = path.getBounds();
        }
      });
      layer.addTo(self.outlineLayer);
      allBounds.extend(layer.getBounds());
    });
    var features = files.reduce(function (n, f) { return n + f.features.length; }, 0);
    this.el.setAttribute("data-outlines-drawn", String(features));
    this.fitFirst(focusBounds, allBounds);
  };

  // The first view only: later updates (board refreshes) keep whatever the user panned or zoomed to.
  MapView.prototype.fitFirst = function (focusBounds, allBounds) {
    if (this.fitted) return;
    this.fitted = true;
    var markers = this.markerBounds(), still = {animate: false};
    if (focusBounds) this.map.fitBounds(focusBounds.extend(markers), L.extend({padding: [16, 16], maxZoom: 12}, still));
    else if (this.spec.fit === "markers" && markers.isValid()) this.map.fitBounds(markers.pad(0.3), L.extend({maxZoom: 13}, still));
    else if (allBounds.isValid()) this.map.fitBounds(allBounds, L.extend({padding: [8, 8]}, still));
    else if (markers.isValid()) this.map.fitBounds(markers.pad(0.3), L.extend({maxZoom: 13}, still));
  };

  MapView.prototype.markerBounds = function () {
    var b = L.latLngBounds([]);
    this.overlayLayer.eachLayer(function (l) { b.extend(l.getLatLng ? l.getLatLng() : l.getBounds()); });
    return b;
  };

  MapView.prototype.drawOverlays = function (spec) {
    var self = this, group = this.overlayLayer;
    group.clearLayers();
    spec.routes.forEach(function (r) {
      var line = L.polyline(r.points.map(function (p) { return self.toLatLng(p[0], p[1]); }),
        {className: "anxin-route anxin-route--" + r.kind, weight: 3, interactive: !!r.label});
      if (r.label) line.bindTooltip(r.label, {sticky: true});
      line.addTo(group);
    });
    spec.markers.forEach(function (m) {
      var marker = L.circleMarker(self.toLatLng(m.lat, m.lng),
        {className: "anxin-marker anxin-marker--" + m.kind, radius: RADIUS[m.kind] || 5, weight: 2, fillOpacity: 1});
      marker.bindTooltip(m.label, {permanent: !!m.label_shown, direction: "right", offset: [8, 0]});
      marker.addTo(group);
    });
    this.el.setAttribute("data-markers-drawn", String(spec.markers.length));
  };

  function configOf(el) {
    var script = document.getElementById(el.getAttribute("data-anxin-map"));
    return script ? script.textContent : null;
  }

  function refresh() {
    if (!window.L) return;
    document.querySelectorAll("[data-anxin-map]").forEach(function (el) {
      var text = configOf(el);
      if (!text || text === el.anxinMapConfig) return;
      el.anxinMapConfig = text;
      if (el.anxinMap) el.anxinMap.update(JSON.parse(text));
      else new MapView(el, JSON.parse(text));
    });
  }

  window.AnxinMap = {refresh: refresh};
  function start() {
    refresh();
    new MutationObserver(refresh).observe(document.body, {childList: true, subtree: true});
  }
  // Both scripts load async (the page is usable before the map draws, ADR 24): start once Leaflet is there too.
  function whenLeaflet() {
    if (window.L) { start(); return; }
    var leaflet = document.querySelector('script[src*="leaflet"]');
    if (leaflet) leaflet.addEventListener("load", start);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", whenLeaflet);
  else whenLeaflet();
})();
