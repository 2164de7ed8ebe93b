<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>AlprAlgorithm</name>
    <message>
        <location filename="../algorithms/base.py" line="47"/>
        <source>Cancelled: nothing more was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoadReadsAlgorithm</name>
    <message>
        <location filename="../algorithms/load_reads.py" line="51"/>
        <source>Load ALPR reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="57"/>
        <source>alpr,anpr,lpr,plate,csv,import,load,records request,foia</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="60"/>
        <source>&lt;p&gt;Loads the reads of an automatic licence-plate reader (ALPR) export, as obtained through a public-records request, into a point layer with standard fields.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Input file&lt;/b&gt;: delimited text (comma, tab, pipe or semicolon, detected), optionally gzip-compressed (.gz); UTF-8 with or without BOM, or Latin-1. A quoted field may contain the delimiter or span lines.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Fields&lt;/b&gt; are detected from common header names and confirmed by the values: plate (plate, vrm, red_VRM, license, plate_hash…), time (timestamp, dt, red_Timestamp, or a date and a time column), location (lat/latitude and lon/lng/longitude, or one column such as &quot;(37.80, -122.27)&quot;, &quot;37.80,-122.27&quot; or POINT(-122.27 37.80)), device (camera, unit…) and plate state. A column named location that holds beat codes or addresses is not taken for coordinates; separate latitude/longitude columns win over a combined one. Set PLATE_FIELD, TIME_FIELD, LAT_FIELD + LON_FIELD or LOCATION_FIELD, DEVICE_FIELD, STATE_FIELD to override.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time format&lt;/b&gt;: empty to detect (e.g. 07/20/2014 08:01:02 AM, 10/07/2021 - 16:30:51, ISO 8601, Unix seconds); or strptime codes such as %m/%d/%Y %I:%M:%S %p. With a date and a time column the format applies to &quot;date time&quot;.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time zone&lt;/b&gt;: read_time is the agency's local wall-clock time. Naive timestamps are kept as written. Timestamps with an offset or Z are converted into TIMEZONE (an IANA name such as America/Los_Angeles) when given; without it their offset is dropped and counted in the log.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Source CRS&lt;/b&gt;: the CRS of the coordinates (EPSG:4326 by default). Combined pairs are read latitude first unless most only make sense longitude first; in a projected CRS they are read x, y.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Reads&lt;/b&gt; (OUTPUT): read_id (1-based index of the record in the file, header excluded), plate, read_time, device, state (when the file has one), then every other column of the file, carried through (a mapped column is not repeated; a column whose name clashes gets the suffix _src). Rows with missing or zero coordinates are kept (null geometry, or the point 0,0) for the cleaning step to count.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Rejected records&lt;/b&gt; (REJECTED): records that cannot be read at all, with read_id, line_number, reason (too_few_fields, too_many_fields, unterminated_quote, bad_timestamp, missing_timestamp) and the raw text.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Guarantee&lt;/b&gt;: READ_COUNT + REJECTED_COUNT = the data records in the file. PLATES_HASHED is true when the plates arrived already hashed (every value hex or base64 text of one length of 16 or more); later steps then skip plate-text rules.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:loadreads -- INPUT=reads.csv.gz OUTPUT=reads.gpkg REJECTED=rejected.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="101"/>
        <source>ALPR export (CSV or delimited text, may be .gz)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="101"/>
        <source>Delimited text (*.csv *.tsv *.txt *.psv *.dat *.gz);;All files (*.*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="106"/>
        <source>The file of reads as the agency exported it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Plate field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Column holding the plate text or hash; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Column holding the read&apos;s date and time; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Latitude (y) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Column of latitudes or y; set with the longitude field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Longitude (x) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Column of longitudes or x; set with the latitude field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Combined location field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>One column holding both coordinates, e.g. &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Device (camera/car) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Column naming the camera or patrol car; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Plate state field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="108"/>
        <source>Column of the plate&apos;s issuing state; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="148"/>
        <source>Time format (strptime, optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="151"/>
        <source>For example %m/%d/%Y %I:%M:%S %p. Empty: detect the format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="154"/>
        <source>CRS of the coordinates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="157"/>
        <source>The coordinate reference system the file&apos;s coordinates are in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="160"/>
        <source>Agency time zone (IANA name, optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="163"/>
        <source>Timestamps with an offset are converted into this zone, e.g. America/Los_Angeles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="166"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="169"/>
        <source>Rejected records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="172"/>
        <source>Reads loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="173"/>
        <source>Records rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="174"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="175"/>
        <source>Plates arrived hashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="231"/>
        <source>Internal error: {} records unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="236"/>
        <source>{} records: {} reads loaded, {} rejected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="251"/>
        <source>Encoding {}, {}-delimited, {} data records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="257"/>
        <source>Fields: plate = {}, time = {}, location = {} ({}), device = {}, state = {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="262"/>
        <source>Time format: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="264"/>
        <source>The plates arrived hashed: plate-text rules will not apply to them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="266"/>
        <source>No device column found: device is null.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="268"/>
        <source>{} timestamps carried a UTC offset that was dropped (wall-clock time kept). Set TIMEZONE to convert them instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="275"/>
        <source>{} timestamps converted into the agency&apos;s time zone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="279"/>
        <source>{} reads have no coordinates (kept, with no geometry).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="284"/>
        <source>{} reads have coordinates that cannot be read, kept with no geometry; the first is row {}, field &quot;{}&quot;: &quot;{}&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="291"/>
        <source>Columns renamed: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="298"/>
        <source>Rejected records by reason: {}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
