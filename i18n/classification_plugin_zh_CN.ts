<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>ClassificationGuard</name>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="195" />
      <source> (and 1 more protected area)</source>
      <translation>（另有 1 个保护区）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="195" />
      <source> (and {count} more protected areas)</source>
      <translation>（另有 {count} 个保护区）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="51" />
      <source> and {n} more</source>
      <translation> 等另外 {n} 个</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="78" />
      <source> h</source>
      <translation> 小时</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="62" />
      <source> m</source>
      <translation> 米</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="119" />
      <source>'{folder}' is an approved destination for {level} data</source>
      <translation>“{folder}”是{level}数据的批准导出位置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="235" />
      <source>'{layer}' could not be read</source>
      <translation>无法读取“{layer}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="240" />
      <source>'{layer}' could not be written (error {error})</source>
      <translation>无法写出“{layer}”（错误 {error}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="215" />
      <source>'{layer}' could not be written: {error}</source>
      <translation>无法写出“{layer}”：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="125" />
      <source>'{layer}' has no label: classify it before handing it over</source>
      <translation>“{layer}”没有密级标签：移交前请先定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="128" />
      <source>'{layer}' is neither a vector nor a raster layer</source>
      <translation>“{layer}”既不是矢量图层也不是栅格图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="196" />
      <source>'{level}' is not a level of scheme '{scheme}'; choose one of: {levels}</source>
      <translation>“{level}”不是方案“{scheme}”中的等级；请从以下等级中选择：{levels}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="200" />
      <source>'{name}' is missing</source>
      <translation>缺少“{name}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="291" />
      <source>'{value}' is not a date like 2027-06-30</source>
      <translation>“{value}”不是形如 2027-06-30 的日期</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="275" />
      <source>(its handover is not in this log, so the manifest itself could not be checked against the sender's record)</source>
      <translation>（本日志中没有该包的移交记录，因此无法将清单本身与发送方的记录核对）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="65" />
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="124" />
      <source>(scheme default)</source>
      <translation>（方案默认）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="62" />
      <source>.qmd file</source>
      <translation>.qmd 文件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="152" />
      <source>1 conflicting pair</source>
      <translation>1 对冲突</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="171" />
      <source>1 feature</source>
      <translation>1 个要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="187" />
      <source>1 feature of {layer} is inside {kind} {zone}</source>
      <translation>{layer} 有 1 个要素位于{kind}“{zone}”内</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="190" />
      <source>1 feature of {layer} is within {distance} m of {kind} {zone}</source>
      <translation>{layer} 有 1 个要素位于{kind}“{zone}” {distance} 米范围内</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="383" />
      <source>1 file could not be read as a JPEG photo: {names}.</source>
      <translation>1 个文件无法作为 JPEG 照片读取：{names}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="617" />
      <source>1 invalid survey geometry was repaired</source>
      <translation>已修复 1 个无效的测量几何</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="613" />
      <source>1 invalid zone geometry was repaired</source>
      <translation>已修复 1 个无效的区域几何</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="359" />
      <source>1 photo from {folder} imported as survey data.</source>
      <translation>已从 {folder} 导入 1 张照片，作为测量数据。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="378" />
      <source>1 photo has no GPS position and was not imported: {names}.</source>
      <translation>1 张照片没有 GPS 位置，未导入：{names}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="172" />
      <source>1 protected area</source>
      <translation>1 个保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="153" />
      <source>1 survey feature</source>
      <translation>1 个测量要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="619" />
      <source>1 survey feature without geometry was skipped</source>
      <translation>已跳过 1 个没有几何的测量要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="615" />
      <source>1 zone without a usable polygon was skipped</source>
      <translation>已跳过 1 个没有可用多边形的区域</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="52" />
      <source>&lt;b&gt;{names}&lt;/b&gt;</source>
      <translation>&lt;b&gt;{names}&lt;/b&gt;</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="94" />
      <source>A PostgreSQL access log needs the Python package psycopg (version 3), which is not installed. Install it, or use an SQLite file as the log location.</source>
      <translation>PostgreSQL 访问日志需要 Python 包 psycopg（第 3 版），但尚未安装。请安装它，或改用 SQLite 文件作为日志位置。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="286" />
      <source>A destruction needs a witness</source>
      <translation>销毁需要监销人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/map_export.py" line="45" />
      <source>A geospatial PDF cannot carry the classification marking, so it is not available while classified layers are visible.</source>
      <translation>地理空间 PDF 无法带有密级标志，因此在显示涉密图层时不可用。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="80" />
      <source>A host whose last event is older than this is shown as silent</source>
      <translation>最后一条事件早于此时长的主机显示为静默</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/processing.py" line="58" />
      <source>A justification cannot be empty</source>
      <translation>理由不能为空</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="94" />
      <source>A stored label has no scheme or level</source>
      <translation>已保存的标签缺少密级方案或等级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="119" />
      <source>A stored label is not valid JSON: {error}</source>
      <translation>已保存的标签不是有效的 JSON：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="469" />
      <source>Access Log</source>
      <translation>访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="70" />
      <source>Access denied</source>
      <translation>拒绝访问</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="451" />
      <source>Access log</source>
      <translation>访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="97" />
      <source>Access log recording and panel</source>
      <translation>访问日志记录与面板</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="190" />
      <source>Action</source>
      <translation>操作</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="47" />
      <source>Action (e.g. export_blocked)</source>
      <translation>操作（例如 export_blocked）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="60" />
      <source>Active</source>
      <translation>运行中</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="77" />
      <source>Added and removed only</source>
      <translation>仅添加和移除</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="23" />
      <source>Administrator key file (HMAC)</source>
      <translation>管理员密钥文件（HMAC）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="60" />
      <source>Administrator policy</source>
      <translation>管理员策略</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="79" />
      <source>Administrator policy loaded</source>
      <translation>已加载管理员策略</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="80" />
      <source>Administrator policy unusable</source>
      <translation>管理员策略不可用</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="42" />
      <source>Airport</source>
      <translation>机场</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="405" />
      <source>Align Rasters</source>
      <translation>对齐栅格</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="412" />
      <source>Aligned by Align Rasters</source>
      <translation>由“对齐栅格”生成</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="77" />
      <source>All events</source>
      <translation>全部事件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="191" />
      <source>Already changed: {layers}</source>
      <translation>已更改：{layers}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="520" />
      <source>Any action</source>
      <translation>任意操作</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="518" />
      <source>Any layer</source>
      <translation>任意图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="521" />
      <source>Any level</source>
      <translation>任意密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="522" />
      <source>Any outcome</source>
      <translation>任意结果</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="151" />
      <source>Any state</source>
      <translation>任意状态</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="146" />
      <source>Any unit</source>
      <translation>任意单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="515" />
      <source>Any user</source>
      <translation>任意用户</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="487" />
      <source>Approval or contract</source>
      <translation>审批或合同</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="86" />
      <source>Approval or contract number</source>
      <translation>审批或合同编号</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="94" />
      <source>Approval: {approval}
Purpose: {purpose}
Manifest SHA-256: {digest}</source>
      <translation>审批：{approval}
用途：{purpose}
清单 SHA-256：{digest}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="58" />
      <source>Attribute table opened</source>
      <translation>打开属性表</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="31" />
      <source>Basis: {reason}</source>
      <translation>依据：{reason}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="62" />
      <source>Browser drops</source>
      <translation>浏览器拖放</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="63" />
      <source>Buffer distance</source>
      <translation>缓冲距离</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="91" />
      <source>Buffer distance (metres)</source>
      <translation>缓冲距离（米）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="98" />
      <source>By</source>
      <translation>经办人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="55" />
      <source>CSV file</source>
      <translation>CSV 文件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="742" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="362" />
      <source>CSV files (*.csv);;PDF files (*.pdf)</source>
      <translation>CSV 文件 (*.csv);;PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="31" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="201" />
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="45" />
      <source>Caveats</source>
      <translation>管控要求</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="27" />
      <source>Caveats: {caveats}</source>
      <translation>管控要求：{caveats}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="113" />
      <source>Change</source>
      <translation>变更</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="259" />
      <source>Changed since it was handed over: {path}</source>
      <translation>移交后已被更改：{path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="132" />
      <source>Check protected areas</source>
      <translation>检查保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="66" />
      <source>Check survey data against protected areas</source>
      <translation>将测量数据与保护区比对</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="558" />
      <source>Check the whole hash chain and the checkpoint</source>
      <translation>检查完整的哈希链和检查点</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="144" />
      <source>Checking the handover package…</source>
      <translation>正在核验移交包…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="257" />
      <source>Checking the register against the access log</source>
      <translation>正在对照访问日志核对登记簿</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/survey_watcher.py" line="268" />
      <source>Checking {layer} against protected areas</source>
      <translation>正在将 {layer} 与保护区比对</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/receive_handover.py" line="32" />
      <source>Checks a handover package folder: the manifest, the SHA-256 of every file (a changed, missing or extra file is named) and, when the sender's handover is in this access log, that the manifest is the one handed over. Only a package that passes every check is recorded as received; with LOAD its layers are added to the project.</source>
      <translation>核验移交包文件夹：清单、每个文件的 SHA-256（列出被更改、缺失或多出的文件），以及在本访问日志中有发送方移交记录时，清单是否为移交时的那一份。只有通过全部核验的包才记录为已接收；选择 LOAD 时将其图层加入项目。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="53" />
      <source>Checks every entry of the access log against the hash chain (and the administrator signature when a key is used) and the checkpoint that guards its end. LOCATION is an SQLite file or a postgresql:// URI; empty means the log this QGIS writes to. VALID is true when the log is intact; FIRST_BAD is the number of the first entry that was changed, inserted or deleted (empty when there is none).</source>
      <translation>根据哈希链（使用密钥时还包括管理员签名）以及保护日志末尾的检查点，检查访问日志的每一条记录。LOCATION 为 SQLite 文件或 postgresql:// 地址；为空表示本 QGIS 正在写入的日志。日志完整时 VALID 为真；FIRST_BAD 为第一条被修改、插入或删除的记录编号（没有时为空）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="117" />
      <source>Choose at least one layer to hand over</source>
      <translation>请至少选择一个要移交的图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="144" />
      <source>Choose the folder to write the package into</source>
      <translation>请选择写入移交包的文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="131" />
      <source>Choose the handover package folder</source>
      <translation>选择移交包文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="31" />
      <source>Classification</source>
      <translation>密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="33" />
      <source>Classification Guard</source>
      <translation>密级守护</translation>
    </message>
    <message>
      <location filename="../classification_plugin/server/plugin.py" line="39" />
      <source>Classification Guard is guarding this server (scheme {scheme}, policy {policy})</source>
      <translation>Classification Guard 正在保护此服务器（密级方案 {scheme}，策略 {policy}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="225" />
      <source>Classification not changed</source>
      <translation>密级未更改</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="75" />
      <source>Classification panel</source>
      <translation>密级面板</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="59" />
      <source>Classification scheme</source>
      <translation>密级方案</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="23" />
      <source>Classification: {level}</source>
      <translation>密级：{level}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="213" />
      <source>Classify as {level}</source>
      <translation>定为{level}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="45" />
      <source>Classify layer</source>
      <translation>为图层定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="45" />
      <source>Classify layers</source>
      <translation>为图层定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="44" />
      <source>Classify selected…</source>
      <translation>为所选图层定密…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="167" />
      <source>Classify…</source>
      <translation>定密…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="67" />
      <source>Clearance</source>
      <translation>涉密资格</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="69" />
      <source>Clipboard</source>
      <translation>剪贴板</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="39" />
      <source>Closed</source>
      <translation>已关闭</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="94" />
      <source>Conflicting pairs</source>
      <translation>冲突对</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="95" />
      <source>Conflicting survey features</source>
      <translation>冲突的测量要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="80" />
      <source>Contents</source>
      <translation>内容</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="500" />
      <source>Converting to an offline project</source>
      <translation>转换为离线项目</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="88" />
      <source>Copy destroyed</source>
      <translation>副本已销毁</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="87" />
      <source>Copy returned</source>
      <translation>副本已归还</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="298" />
      <source>Copy {package} recorded as {state}</source>
      <translation>副本 {package} 已记录为{state}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/clipboard.py" line="40" />
      <source>Copying features of '{layer}' to the clipboard</source>
      <translation>将“{layer}”的要素复制到剪贴板</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_sql.py" line="112" />
      <source>Copying {count} query result rows to the clipboard (DB Manager)</source>
      <translation>将 {count} 行查询结果复制到剪贴板（DB 管理器）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="187" />
      <source>Could not label output '{output}': {error}</source>
      <translation>无法为输出“{output}”添加密级标签：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="122" />
      <source>Could not read the workstations: {error}</source>
      <translation>无法读取工作站：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="42" />
      <source>Critical infrastructure</source>
      <translation>关键基础设施</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/base.py" line="15" />
      <source>Custody</source>
      <translation>保管</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="86" />
      <source>Custody: handover and register</source>
      <translation>流转管控：移交与台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="42" />
      <source>Custom</source>
      <translation>自定义</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="72" />
      <source>DB Manager SQL window</source>
      <translation>DB 管理器 SQL 窗口</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="71" />
      <source>DB Manager export to file</source>
      <translation>DB 管理器导出到文件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="70" />
      <source>DB Manager import</source>
      <translation>数据库管理器导入</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="69" />
      <source>Data inside must be at least</source>
      <translation>区内数据的最低密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="63" />
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="38" />
      <source>Dataset</source>
      <translation>数据集</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="498" />
      <source>Datasets</source>
      <translation>数据集</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="100" />
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/close_copy.py" line="39" />
      <source>Date (YYYY-MM-DD)</source>
      <translation>日期（YYYY-MM-DD）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="60" />
      <source>Default level</source>
      <translation>默认密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_sql.py" line="124" />
      <source>Derived by a DB Manager query</source>
      <translation>由 DB 管理器查询派生</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_sql.py" line="155" />
      <source>Derived by a query</source>
      <translation>由查询派生</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="362" />
      <source>Derived by the Raster Calculator</source>
      <translation>由栅格计算器派生</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="166" />
      <source>Derived by {algorithm}</source>
      <translation>由 {algorithm} 派生</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="90" />
      <source>Destination folder</source>
      <translation>目标文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="86" />
      <source>Destroyed</source>
      <translation>已销毁</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="191" />
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="137" />
      <source>Distance (m)</source>
      <translation>距离（米）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/drops.py" line="131" />
      <source>Dragging layers into the Browser</source>
      <translation>将图层拖入浏览器</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="337" />
      <source>Drone photos</source>
      <translation>无人机照片</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/drone_data.py" line="226" />
      <source>Drone photos ({folder})</source>
      <translation>无人机照片（{folder}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="77" />
      <source>Earlier session ended uncleanly</source>
      <translation>之前的会话未正常结束</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="59" />
      <source>Editing started</source>
      <translation>开始编辑</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="62" />
      <source>Edits discarded</source>
      <translation>放弃编辑</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="60" />
      <source>Edits saved</source>
      <translation>保存编辑</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="59" />
      <source>Ended in order</source>
      <translation>已正常结束</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="91" />
      <source>Ended uncleanly</source>
      <translation>异常结束</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="578" />
      <source>Entries</source>
      <translation>条目</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="64" />
      <source>Entries checked</source>
      <translation>已检查的记录数</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="56" />
      <source>Entries written</source>
      <translation>已写入的记录数</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="382" />
      <source>Entry {seq} appears twice or out of order.</source>
      <translation>第 {seq} 条重复出现或顺序错乱。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="346" />
      <source>Entry {seq} differs from the one recorded in the checkpoint: the log was rewritten up to there.</source>
      <translation>第 {seq} 条与检查点记录的不一致：日志在此之前已被改写。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="391" />
      <source>Entry {seq} does not carry a valid administrator signature (HMAC): it was written or rewritten without the key.</source>
      <translation>第 {seq} 条没有有效的管理员签名（HMAC）：它是在没有密钥的情况下写入或改写的。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="386" />
      <source>Entry {seq} does not match the chain: it, or the entry before it, was changed, inserted or moved.</source>
      <translation>第 {seq} 条与哈希链不符：该条或其前一条被修改、插入或移动过。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="380" />
      <source>Entry {seq} is missing: it was deleted from the log.</source>
      <translation>第 {seq} 条缺失：它已从日志中删除。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="96" />
      <source>Error: {message}</source>
      <translation>错误：{message}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="81" />
      <source>Events of unclassified layers</source>
      <translation>未定密图层的事件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="501" />
      <source>Every file of the package is listed with its SHA-256 in manifest.json.</source>
      <translation>包内每个文件及其 SHA-256 均列于 manifest.json 中。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="559" />
      <source>Export CSV…</source>
      <translation>导出 CSV…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="741" />
      <source>Export access log</source>
      <translation>导出访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="34" />
      <source>Export access log to CSV</source>
      <translation>将访问日志导出为 CSV</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="69" />
      <source>Export allowed</source>
      <translation>允许导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="67" />
      <source>Export attempted</source>
      <translation>尝试导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="68" />
      <source>Export blocked</source>
      <translation>导出被阻止</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="764" />
      <source>Export failed: {error}</source>
      <translation>导出失败：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="131" />
      <source>Export guard</source>
      <translation>导出防护</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="82" />
      <source>Export guard: {channel}</source>
      <translation>导出防护：{channel}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="142" />
      <source>Export refused</source>
      <translation>已拒绝导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="361" />
      <source>Export the register</source>
      <translation>导出台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="25" />
      <source>Export the register of classified holdings</source>
      <translation>导出涉密数据台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_export.py" line="56" />
      <source>Exported by DB Manager</source>
      <translation>由 DB 管理器导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="321" />
      <source>Exported from the elevation profile</source>
      <translation>由高程剖面导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/map_export.py" line="99" />
      <source>Exported from the map</source>
      <translation>由地图导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_export.py" line="42" />
      <source>Exporting '{layer}' to a file (DB Manager)</source>
      <translation>将“{layer}”导出到文件（DB 管理器）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="226" />
      <source>Exporting a 3D map view</source>
      <translation>导出三维地图视图</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="232" />
      <source>Exporting a map animation</source>
      <translation>导出地图动画</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="230" />
      <source>Exporting an elevation profile</source>
      <translation>导出高程剖面</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/layouts.py" line="59" />
      <source>Exporting layout '{layout}'</source>
      <translation>导出布局“{layout}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="751" />
      <source>Exporting the access log</source>
      <translation>正在导出访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/profile_export.py" line="63" />
      <source>Exporting the elevation profile as PDF refused: QGIS draws the PDF itself, so it cannot carry the classification marking ({marking}). Export the profile as an image, which carries it.</source>
      <translation>已拒绝将高程剖面导出为 PDF：PDF 由 QGIS 自行绘制，无法带有密级标志（{marking}）。请将剖面导出为图像，图像会带有密级标志。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="235" />
      <source>Exporting the map to DXF</source>
      <translation>将地图导出为 DXF</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="171" />
      <source>Export…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="58" />
      <source>Extra schemes folder</source>
      <translation>附加方案文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="137" />
      <source>Feature</source>
      <translation>要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="57" />
      <source>Field holding the kind (optional)</source>
      <translation>区域类型字段（可选）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="71" />
      <source>Field holding the minimum level (optional)</source>
      <translation>最低密级字段（可选）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="55" />
      <source>Field naming the zone</source>
      <translation>区域名称字段</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="43" />
      <source>Filter layers, levels, users…</source>
      <translation>筛选图层、密级、用户…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="131" />
      <source>Filter zones, layers, kinds…</source>
      <translation>筛选区域、图层、类型…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="69" />
      <source>Finds every survey feature (point, track or footprint) that lies inside a protected-area zone or within the buffer distance of one. The buffer is in metres whatever the layers' CRSs. The output has one feature per (survey feature, zone) pair, with the survey feature's geometry, the zone and the distance (0 when inside).</source>
      <translation>查找位于保护区内或其缓冲距离内的所有测量要素（点、轨迹或覆盖范围）。无论图层采用何种坐标参考系，缓冲距离都以米为单位。输出中每个（测量要素，区域）对对应一个要素，包含测量要素的几何、区域和距离（位于区内时为 0）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="65" />
      <source>First bad entry</source>
      <translation>第一条损坏的记录</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="81" />
      <source>First bad entry: {seq}</source>
      <translation>第一条损坏的记录：{seq}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="316" />
      <source>Folder of drone photos</source>
      <translation>无人机照片文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="78" />
      <source>Folder to write the handover package into</source>
      <translation>写入移交包的文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="60" />
      <source>For example: HT-2026-118</source>
      <translation>例如：HT-2026-118</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/justification_dialog.py" line="25" />
      <source>For example: delivery to the surveying bureau, contract 2024-17</source>
      <translation>例如：按 2024-17 号合同交付测绘局</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="503" />
      <source>From</source>
      <translation>从</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/processing.py" line="249" />
      <source>From a script, run it inside classification_plugin.integration.export_guard.justified("why").</source>
      <translation>在脚本中，请将其放在 classification_plugin.integration.export_guard.justified("理由") 中运行。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="61" />
      <source>GeoPackage</source>
      <translation>GeoPackage</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/georeferencer.py" line="184" />
      <source>Georeferenced by the Georeferencer</source>
      <translation>由地理配准工具配准生成</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="74" />
      <source>Georeferencer</source>
      <translation>地理配准工具</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/georeferencer.py" line="141" />
      <source>Georeferencing '{layer}'</source>
      <translation>地理配准“{layer}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/get_label.py" line="24" />
      <source>Get classification label</source>
      <translation>获取密级标签</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="206" />
      <source>Give a reason for classifying the layer (for example the catalogue item)</source>
      <translation>请填写定密依据（例如保密事项目录条目）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="230" />
      <source>Give the approval or contract number</source>
      <translation>请填写审批或合同编号</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="228" />
      <source>Give the purpose of the handover</source>
      <translation>请填写移交用途</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="83" />
      <source>Hand over</source>
      <translation>移交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="40" />
      <source>Hand over classified data</source>
      <translation>移交涉密数据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="125" />
      <source>Hand over refused</source>
      <translation>移交被拒绝</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="47" />
      <source>Hand over: {layers}</source>
      <translation>移交：{layers}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="59" />
      <source>Hand over…</source>
      <translation>移交…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="84" />
      <source>Handed over</source>
      <translation>已移交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="504" />
      <source>Handed over by (name, signature, date)</source>
      <translation>移交人（姓名、签字、日期）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="138" />
      <source>Handing over '{layer}' refused: {reason}</source>
      <translation>拒绝移交“{layer}”：{reason}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="146" />
      <source>Handing over '{layer}' to {folder} refused: {reason}</source>
      <translation>拒绝将“{layer}”移交到 {folder}：{reason}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="75" />
      <source>Handling caveats</source>
      <translation>管控要求</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/set_label.py" line="52" />
      <source>Handling caveats (separated by ';')</source>
      <translation>管控要求（以“;”分隔）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/receive_dialog.py" line="17" />
      <source>Handover package refused</source>
      <translation>移交包被拒收</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="173" />
      <source>Handover package {package} written to {folder}</source>
      <translation>移交包 {package} 已写入 {folder}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="85" />
      <source>Handover received</source>
      <translation>已接收移交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="86" />
      <source>Handover refused on receipt</source>
      <translation>接收时拒收移交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="38" />
      <source>Held by</source>
      <translation>持有方</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="117" />
      <source>History</source>
      <translation>历史记录</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="90" />
      <source>Host</source>
      <translation>主机</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="62" />
      <source>Import drone photos as survey points…</source>
      <translation>将无人机照片导入为测量点…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="339" />
      <source>Import of the photos in {folder} canceled.</source>
      <translation>已取消导入 {folder} 中的照片。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_import.py" line="59" />
      <source>Imported by DB Manager</source>
      <translation>由数据库管理器导入</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="464" />
      <source>Imported into a database (Browser)</source>
      <translation>由浏览器导入数据库</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="434" />
      <source>Importing '{layer}' into a database (Browser)</source>
      <translation>将“{layer}”导入数据库（浏览器）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/db_import.py" line="42" />
      <source>Importing '{layer}' into a database (DB Manager)</source>
      <translation>将“{layer}”导入数据库（数据库管理器）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/drone_data.py" line="252" />
      <source>Importing drone photos from {folder}</source>
      <translation>正在从 {folder} 导入无人机照片</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="63" />
      <source>Intact</source>
      <translation>完整</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="709" />
      <source>Intact ({n} entries)</source>
      <translation>完整（{n} 条记录）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="238" />
      <source>Intersects protected area {zone}</source>
      <translation>与保护区“{zone}”相交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="302" />
      <source>It came in handover package {package} from {unit} with no onward transfer: it can only go back to {unit}</source>
      <translation>该数据来自 {unit} 的移交包 {package}，且不得再转移：只能交还 {unit}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="100" />
      <source>Justification</source>
      <translation>理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/set_label.py" line="49" />
      <source>Justification (for a downgrade)</source>
      <translation>理由（降密时填写）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="53" />
      <source>Justification (where the policy asks)</source>
      <translation>理由（策略要求时）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/justification_dialog.py" line="17" />
      <source>Justification required</source>
      <translation>需要填写理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="137" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="53" />
      <source>Kind of zone</source>
      <translation>区域类型</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="63" />
      <source>Label applied</source>
      <translation>定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="66" />
      <source>Label change refused</source>
      <translation>密级变更被拒绝</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="64" />
      <source>Label changed</source>
      <translation>变更密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="500" />
      <source>Label id</source>
      <translation>标签编号</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="92" />
      <source>Label id: {uid}</source>
      <translation>标识编号：{uid}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="65" />
      <source>Label loading</source>
      <translation>密级标签加载</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="65" />
      <source>Label removed</source>
      <translation>解除密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="48" />
      <source>Labels</source>
      <translation>密级标签</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/set_label.py" line="33" />
      <source>Labels a layer with a classification level of the active scheme. Raising the level needs a reason; lowering it needs a written justification. The label is stored in the data source where the format allows (GeoPackage metadata or a .qmd file) and in the project. LEVEL is a level id such as public, internal, confidential, secret or top_secret.</source>
      <translation>用当前方案中的密级为图层定密。提高密级需要填写依据；降低密级需要书面理由。在格式允许时标签保存在数据源中（GeoPackage 元数据或 .qmd 文件），同时保存在项目中。LEVEL 为密级标识，如 public、internal、confidential、secret 或 top_secret。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="55" />
      <source>Labels and access log</source>
      <translation>密级标签与访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="90" />
      <source>Last action</source>
      <translation>最后操作</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="90" />
      <source>Last event</source>
      <translation>最后事件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="190" />
      <source>Layer</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/clearance_gate.py" line="71" />
      <source>Layer '{layer}' is classified {level}, above your clearance {clearance} ({why}; policy {path}). It is not opened.</source>
      <translation>图层“{layer}”的密级为{level}，高于您的涉密资格{clearance}（{why}；策略 {path}），不予打开。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="54" />
      <source>Layer added</source>
      <translation>添加图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="75" />
      <source>Layer definition and Copy Layer record</source>
      <translation>图层定义与复制图层的记录</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="57" />
      <source>Layer hidden</source>
      <translation>隐藏图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="46" />
      <source>Layer id, or part of its name</source>
      <translation>图层标识，或其名称的一部分</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="84" />
      <source>Layer menu entries</source>
      <translation>图层菜单项</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="519" />
      <source>Layer name (or part of it)</source>
      <translation>图层名称（或其中一部分）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="55" />
      <source>Layer removed</source>
      <translation>移除图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="56" />
      <source>Layer shown</source>
      <translation>显示图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="71" />
      <source>Layer tree badges</source>
      <translation>图层树密级徽标</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="43" />
      <source>Layers</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="190" />
      <source>Level</source>
      <translation>密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="106" />
      <source>Level '{level}' is not part of the active scheme; the policy for unknown levels allows the export</source>
      <translation>等级“{level}”不属于当前方案；针对未知等级的策略允许导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="108" />
      <source>Level '{level}' is not part of the active scheme; the policy for unknown levels asks for a written justification</source>
      <translation>等级“{level}”不属于当前方案；针对未知等级的策略要求提供书面理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="110" />
      <source>Level '{level}' is not part of the active scheme; the policy for unknown levels forbids exporting it</source>
      <translation>等级“{level}”不属于当前方案；针对未知等级的策略禁止导出</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="36" />
      <source>Level id</source>
      <translation>密级标识</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="47" />
      <source>Level id (e.g. secret)</source>
      <translation>密级标识（例如 secret）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/get_label.py" line="39" />
      <source>Level name</source>
      <translation>密级名称</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="204" />
      <source>List</source>
      <translation>列表</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="511" />
      <source>Local time; leave unticked for any time</source>
      <translation>本地时间；不勾选则不限时间</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="83" />
      <source>Log exported</source>
      <translation>导出日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="75" />
      <source>Log location</source>
      <translation>日志位置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="21" />
      <source>Log location (empty: the configured log)</source>
      <translation>日志位置（为空则使用已配置的日志）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="82" />
      <source>Log verified</source>
      <translation>校验日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="207" />
      <source>Lower classification</source>
      <translation>降低密级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="209" />
      <source>Lowering or removing a classification needs a written justification</source>
      <translation>降低或解除密级需要书面理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="181" />
      <source>Lowering or removing this label needs one of the downgrade roles your administrator set ({roles}); you are in none of them</source>
      <translation>降低或撤销此密级标签需要管理员设定的降密角色之一（{roles}）；您不属于其中任何一个</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="62" />
      <source>Mandatory labelling: mark unlabelled layers and ask for a label</source>
      <translation>强制定密：标记未定密图层并要求定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="491" />
      <source>Manifest SHA-256</source>
      <translation>清单 SHA-256</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="74" />
      <source>Map banner</source>
      <translation>地图密级横幅</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="47" />
      <source>Mark as survey data</source>
      <translation>标记为测量数据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="386" />
      <source>Mesh Calculator</source>
      <translation>网格计算器</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="66" />
      <source>Message</source>
      <translation>消息</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="42" />
      <source>Military zone</source>
      <translation>军事管理区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="260" />
      <source>Missing from the package: {path}</source>
      <translation>包中缺失：{path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="226" />
      <source>Name the person in the recipient unit who receives the data</source>
      <translation>请填写接收单位中接收数据的人员</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="221" />
      <source>Name the recipient unit</source>
      <translation>请填写接收单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="284" />
      <source>Name who returned or destroyed the copy</source>
      <translation>请填写归还或销毁副本的人员</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="42" />
      <source>Nature reserve</source>
      <translation>自然保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="94" />
      <source>Needed for a destruction</source>
      <translation>销毁时必填</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/network_exposure.py" line="96" />
      <source>Network exposure</source>
      <translation>网络暴露</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="347" />
      <source>No JPEG photos in {folder}.</source>
      <translation>{folder} 中没有 JPEG 照片。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="133" />
      <source>No check has run yet</source>
      <translation>尚未进行检查</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="369" />
      <source>No handover of this package is in the log</source>
      <translation>日志中没有该包的移交记录</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="69" />
      <source>No label (remove)</source>
      <translation>无标签（解除）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="147" />
      <source>No layer is marked as protected areas: right-click a layer, Classification, Protected-area role…</source>
      <translation>没有图层被标记为保护区：右键点击图层，选择 密级 &gt; 保护区角色…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="153" />
      <source>No layer is marked as survey data: right-click a layer, Classification, Mark as survey data</source>
      <translation>没有图层被标记为测量数据：右键点击图层，选择 密级 &gt; 标记为测量数据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="50" />
      <source>No onward transfer</source>
      <translation>不得再转移</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="71" />
      <source>No onward transfer (the recipient may hand it only back to this unit)</source>
      <translation>不得再转移（接收方只能将其交回本单位）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="39" />
      <source>No role</source>
      <translation>无角色</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="272" />
      <source>No {name} in {folder}: this is not a handover package</source>
      <translation>{folder} 中没有 {name}：这不是移交包</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="78" />
      <source>None</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="352" />
      <source>None of the {count} photos in {folder} has a GPS position.</source>
      <translation>{folder} 中的 {count} 张照片都没有 GPS 位置。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="261" />
      <source>Not part of the package: {path}</source>
      <translation>不属于该包：{path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="131" />
      <source>Not survey data</source>
      <translation>不是测量数据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="717" />
      <source>Not verified</source>
      <translation>未校验</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="147" />
      <source>Nothing was received: {error}</source>
      <translation>未接收任何数据：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/network_exposure.py" line="93" />
      <source>Online layer '{online}' ({hosts}) is shown together with classified layers ({names}): its server learns which area you are looking at</source>
      <translation>在线图层“{online}”（{hosts}）与涉密图层（{names}）同时显示：其服务器会得知您正在查看的区域</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/network_exposure.py" line="89" />
      <source>Online layer '{online}' ({hosts}) was hidden: it would send the extent of classified layers ({names}) to a server that is not approved</source>
      <translation>已隐藏在线图层“{online}”（{hosts}）：它会把涉密图层（{names}）的范围发送到未经批准的服务器</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="83" />
      <source>Online-layer warning</source>
      <translation>在线图层警告</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="91" />
      <source>Only vector layers can hold protected areas</source>
      <translation>只有矢量图层可以作为保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="81" />
      <source>Only where the export policy asks for one; kept in the access log</source>
      <translation>仅在导出策略要求时填写；记入访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="89" />
      <source>Onward transfer refused</source>
      <translation>拒绝再转移</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/map_export.py" line="81" />
      <source>Open Save Map as Image / PDF again to give one.</source>
      <translation>请重新打开“将地图另存为图像/PDF”以填写理由。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/receive_handover.py" line="43" />
      <source>Open the received layers</source>
      <translation>打开接收的图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="76" />
      <source>Options page</source>
      <translation>选项页</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="89" />
      <source>Other caveats</source>
      <translation>其他限制</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="51" />
      <source>Other caveats (separated by ';')</source>
      <translation>其他管控要求（以“;”分隔）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="74" />
      <source>Other caveats, separated by ';'</source>
      <translation>其他限制，以“;”分隔</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="190" />
      <source>Outcome</source>
      <translation>结果</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="48" />
      <source>Outcome (e.g. blocked)</source>
      <translation>结果（例如 blocked）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="78" />
      <source>Owner unit</source>
      <translation>所属单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="29" />
      <source>Owner: {owner}</source>
      <translation>所属单位：{owner}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="38" />
      <source>Package</source>
      <translation>移交包</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="56" />
      <source>Package folder</source>
      <translation>移交包文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/close_copy.py" line="34" />
      <source>Package id</source>
      <translation>移交包编号</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="272" />
      <source>Package {package} from {sender} received: {count} dataset(s), every file checked</source>
      <translation>已接收来自 {sender} 的移交包 {package}：{count} 个数据集，每个文件均已核验</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="258" />
      <source>Package {package} is already {state}</source>
      <translation>移交包 {package} 已{state}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="155" />
      <source>Package {package} refused: {count} problem(s)</source>
      <translation>移交包 {package} 被拒收：{count} 个问题</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="263" />
      <source>Package {package} was not received:</source>
      <translation>未接收移交包 {package}：</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/receive_dialog.py" line="20" />
      <source>Package {package} was not received: nothing of it was opened or recorded as received. Ask the sender for a new package.</source>
      <translation>移交包 {package} 未被接收：其中任何内容均未打开，也未登记为已接收。请向发送方索取新的移交包。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="119" />
      <source>Package {package} written to {folder}. Give the recipient the whole folder and the printed receipt.pdf to sign.</source>
      <translation>移交包 {package} 已写入 {folder}。请将整个文件夹交给接收方，并请其在打印的 receipt.pdf 上签收。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="75" />
      <source>Plugin loaded</source>
      <translation>加载插件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="85" />
      <source>Plugin menu</source>
      <translation>插件菜单</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="78" />
      <source>Plugin part off</source>
      <translation>插件部件已停用</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="76" />
      <source>Plugin unloaded</source>
      <translation>卸载插件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="49" />
      <source>Policy file {path}: {problem}{where}</source>
      <translation>策略文件 {path}：{problem}{where}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="67" />
      <source>Print layouts</source>
      <translation>打印布局</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/processing.py" line="204" />
      <source>Processing '{algorithm}'</source>
      <translation>处理算法“{algorithm}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="54" />
      <source>Processing algorithms</source>
      <translation>处理算法</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="64" />
      <source>Processing: algorithm dialog</source>
      <translation>处理：算法对话框</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="65" />
      <source>Processing: batch dialog</source>
      <translation>处理：批处理对话框</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="63" />
      <source>Processing: processing.run</source>
      <translation>处理：processing.run</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="64" />
      <source>Project</source>
      <translation>项目</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="73" />
      <source>Project opened</source>
      <translation>打开项目</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="74" />
      <source>Project saved</source>
      <translation>保存项目</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="198" />
      <source>Protected area</source>
      <translation>保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="72" />
      <source>Protected area warning</source>
      <translation>保护区警告</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="147" />
      <source>Protected areas</source>
      <translation>保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/deps.py" line="27" />
      <source>Protected-area checks need the Python package shapely 2 ({found}). Install it into the Python that QGIS uses, e.g. 'python3 -m pip install "shapely&gt;=2" "numpy&lt;2"'.</source>
      <translation>保护区检查需要 Python 包 shapely 2（{found}）。请将其安装到 QGIS 使用的 Python 中，例如：'python3 -m pip install "shapely&gt;=2" "numpy&lt;2"'。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="126" />
      <source>Protected-area conflicts</source>
      <translation>保护区冲突</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="31" />
      <source>Protected-area role of {layer}</source>
      <translation>{layer} 的保护区角色</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="44" />
      <source>Protected-area role…</source>
      <translation>保护区角色…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="94" />
      <source>Protected-area warnings</source>
      <translation>保护区警告</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="80" />
      <source>Protected-area zones</source>
      <translation>保护区区域</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="85" />
      <source>Purpose</source>
      <translation>用途</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="71" />
      <source>QGIS Server request</source>
      <translation>QGIS Server 请求</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="73" />
      <source>Query layers</source>
      <translation>查询图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="211" />
      <source>Raise label to {level}</source>
      <translation>将密级提高为{level}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="355" />
      <source>Raster Calculator</source>
      <translation>栅格计算器</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="111" />
      <source>Reading the log…</source>
      <translation>正在读取日志…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="201" />
      <source>Reading the register from the access log…</source>
      <translation>正在从访问日志读取台账…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="212" />
      <source>Reading the register of classified holdings</source>
      <translation>正在读取涉密数据台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="113" />
      <source>Reading workstations from the access log</source>
      <translation>正在从访问日志读取工作站</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/get_label.py" line="27" />
      <source>Reads a layer's classification label, including one carried by its data file. LEVEL is empty when the layer is not labelled. STORED_IN says where the label lives: geopackage, sidecar or project.</source>
      <translation>读取图层的密级标签，包括其数据文件携带的标签。图层未定密时 LEVEL 为空。STORED_IN 表示标签的存放位置：geopackage、sidecar 或 project。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="82" />
      <source>Reason</source>
      <translation>依据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="214" />
      <source>Reason (basis for the classification):</source>
      <translation>定密依据：</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="495" />
      <source>Receipt for classified data</source>
      <translation>涉密数据交接回执</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="159" />
      <source>Receive</source>
      <translation>接收</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/receive_handover.py" line="29" />
      <source>Receive a handover package</source>
      <translation>接收移交包</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="64" />
      <source>Receive handover package…</source>
      <translation>接收移交包…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="39" />
      <source>Received</source>
      <translation>接收时间</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="502" />
      <source>Received by (name, signature, date)</source>
      <translation>接收人（姓名、签字、日期）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/receive_handover.py" line="45" />
      <source>Received layers</source>
      <translation>接收的图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="485" />
      <source>Recipient</source>
      <translation>接收方</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="84" />
      <source>Recipient person</source>
      <translation>接收人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="83" />
      <source>Recipient unit</source>
      <translation>接收单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/close_copy.py" line="24" />
      <source>Record a copy returned or destroyed</source>
      <translation>记录副本归还或销毁</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="79" />
      <source>Record copy {package} returned or destroyed</source>
      <translation>登记副本 {package} 已归还或已销毁</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="169" />
      <source>Record returned / destroyed…</source>
      <translation>登记归还 / 销毁…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/close_copy.py" line="27" />
      <source>Records in the access log that the copy handed over as PACKAGE_ID came back or was destroyed, by whom, with which witness (needed for a destruction) and when (YYYY-MM-DD, today when empty). The copy is then closed in the register; a package the log does not know, or one already closed, is refused.</source>
      <translation>在访问日志中记录以 PACKAGE_ID 移交的副本已归还或已销毁、经办人、监销人（销毁时必填）和日期（YYYY-MM-DD，留空为今天）。该副本随后在台账中关闭；日志中不存在或已关闭的包将被拒绝。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="154" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="354" />
      <source>Register</source>
      <translation>台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="38" />
      <source>Register (CSV)</source>
      <translation>台账（CSV）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="39" />
      <source>Register (PDF)</source>
      <translation>台账（PDF）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="132" />
      <source>Register of Classified Holdings</source>
      <translation>涉密数据台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="368" />
      <source>Register of classified holdings</source>
      <translation>涉密数据台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="90" />
      <source>Register snapshot did not match the log</source>
      <translation>登记簿快照与日志不符</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="103" />
      <source>Required to lower or remove a classification</source>
      <translation>降低或解除密级时必填</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="61" />
      <source>Return or destroy by</source>
      <translation>归还或销毁期限</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="48" />
      <source>Return or destroy by (YYYY-MM-DD)</source>
      <translation>归还或销毁期限（YYYY-MM-DD）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="84" />
      <source>Returned</source>
      <translation>已归还</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/close_copy.py" line="37" />
      <source>Returned or destroyed by</source>
      <translation>归还或销毁经办人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="87" />
      <source>Review by</source>
      <translation>复核期限</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="34" />
      <source>Review by {date}</source>
      <translation>复核期限：{date}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="98" />
      <source>Review date</source>
      <translation>复核日期</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="141" />
      <source>Review date '{value}' is not a date like 2027-06-30</source>
      <translation>复核日期“{value}”不是形如 2027-06-30 的日期</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="41" />
      <source>Rows</source>
      <translation>行数</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="57" />
      <source>SHA-256 of the manifest</source>
      <translation>清单的 SHA-256</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="36" />
      <source>SQLite file or postgresql:// URI</source>
      <translation>SQLite 文件或 postgresql:// 地址</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="68" />
      <source>Save As labelling</source>
      <translation>另存为副本的密级标签</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/guard.py" line="66" />
      <source>Save Map as Image / PDF marking</source>
      <translation>地图另存为图像/PDF 的密级标注</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/records.py" line="29" />
      <source>Saved as a copy of '{layer}'</source>
      <translation>另存为“{layer}”的副本</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="223" />
      <source>Saving '{layer}' as a new file</source>
      <translation>将“{layer}”另存为新文件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="61" />
      <source>Saving edits failed</source>
      <translation>保存编辑失败</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/georeferencer.py" line="212" />
      <source>Saving the control points of '{layer}' (Georeferencer)</source>
      <translation>保存“{layer}”的控制点（地理配准工具）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/map_export.py" line="109" />
      <source>Saving the map as a geospatial PDF refused: it cannot carry the classification marking ({marking}). Save it as a plain PDF.</source>
      <translation>已拒绝将地图保存为地理空间 PDF：它无法带有密级标志（{marking}）。请保存为普通 PDF。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dialogs.py" line="236" />
      <source>Saving the map as an image or PDF</source>
      <translation>将地图保存为图片或 PDF</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/get_label.py" line="40" />
      <source>Scheme</source>
      <translation>密级方案</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="260" />
      <source>Schemes folder {folder} does not exist</source>
      <translation>方案文件夹 {folder} 不存在</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="524" />
      <source>Search every field…</source>
      <translation>搜索所有字段…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="83" />
      <source>Select one or more layers first</source>
      <translation>请先选择一个或多个图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="38" />
      <source>Sender</source>
      <translation>发送方</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="61" />
      <source>Session record</source>
      <translation>会话记录</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="91" />
      <source>Sessions</source>
      <translation>会话数</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="45" />
      <source>Set by</source>
      <translation>定密人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="70" />
      <source>Set by your administrator's policy: {path}</source>
      <translation>由管理员策略设定：{path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="32" />
      <source>Set by {user} at {when}</source>
      <translation>由 {user} 于 {when} 设定</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/set_label.py" line="30" />
      <source>Set classification label</source>
      <translation>设置密级标签</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="81" />
      <source>Settings changed</source>
      <translation>更改设置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="43" />
      <source>Settings shown greyed out are set by your administrator ({path}).</source>
      <translation>灰色显示的设置由管理员设定（{path}）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="200" />
      <source>Show</source>
      <translation>显示</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="75" />
      <source>Silent after</source>
      <translation>静默阈值</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="56" />
      <source>Silent for {since} (ended in order)</source>
      <translation>已静默 {since}（已正常结束）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="57" />
      <source>Silent for {since}, no orderly end</source>
      <translation>已静默 {since}，未正常结束</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_model.py" line="38" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="45" />
      <source>Stored</source>
      <translation>存储位置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/get_label.py" line="41" />
      <source>Stored in</source>
      <translation>存放位置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="24" />
      <source>Stored {where}</source>
      <translation>保存{where}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="41" />
      <source>Survey / drone data</source>
      <translation>测量 / 无人机数据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/role_dialog.py" line="34" />
      <source>Survey and drone data are checked against the protected areas of the project: features inside a zone or its buffer are reported.</source>
      <translation>测量和无人机数据会与项目中的保护区进行比对：位于保护区内或其缓冲区内的要素将被报告。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="117" />
      <source>Survey data?</source>
      <translation>是否为测量数据？</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="137" />
      <source>Survey layer</source>
      <translation>测量图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="713" />
      <source>Tampered: first bad entry {seq}</source>
      <translation>已被篡改：第一条损坏的记录为第 {seq} 条</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="100" />
      <source>Temporary outputs stay in QGIS and inherit the label</source>
      <translation>临时输出保留在 QGIS 中并继承密级标签</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="48" />
      <source>Text in any field</source>
      <translation>任意字段中的文本</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dxf.py" line="119" />
      <source>The DXF file {path} could not be given the classification marking ({error}) and could not be removed ({reason}): delete it.</source>
      <translation>无法为 DXF 文件 {path} 添加密级标志（{error}），也无法将其删除（{reason}）：请手动删除该文件。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dxf.py" line="116" />
      <source>The DXF file {path} could not be given the classification marking ({error}), so it was removed. Export it again.</source>
      <translation>无法为 DXF 文件 {path} 添加密级标志（{error}），已将其删除。请重新导出。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dxf.py" line="98" />
      <source>The DXF file {path} was written although the export was refused and could not be removed ({reason}): delete it.</source>
      <translation>导出已被拒绝，但 DXF 文件 {path} 仍被写入且无法删除（{reason}）：请手动删除。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/dxf.py" line="95" />
      <source>The DXF file {path} was written although the export was refused, so it was removed.</source>
      <translation>导出已被拒绝，但 DXF 文件 {path} 仍被写入，已将其删除。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/georeferencer.py" line="143" />
      <source>The GDAL script of '{layer}' (Georeferencer)</source>
      <translation>“{layer}”的 GDAL 脚本（地理配准工具）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/georeferencer.py" line="98" />
      <source>The Georeferencer's Start Georeferencing action ({name}) was not found on this QGIS version: georeferencing is not guarded.</source>
      <translation>在此 QGIS 版本中未找到地理配准工具的“开始配准”操作（{name}）：地理配准不受保护。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/georeferencer.py" line="73" />
      <source>The QGIS main window</source>
      <translation>QGIS 主窗口</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="428" />
      <source>The access log cannot be written: {error} {n} events are held and will be written when possible.</source>
      <translation>无法写入访问日志：{error} 已暂存 {n} 条事件，将在可写时写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="124" />
      <source>The access log could not record the export: {error}</source>
      <translation>访问日志无法记录此次导出：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="133" />
      <source>The access log database {location} cannot be reached ({detail}); events are kept and written when it is back.</source>
      <translation>无法连接访问日志数据库 {location}（{detail}）；事件已暂存，恢复连接后写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="126" />
      <source>The access log location {path} is a folder, not a file.</source>
      <translation>访问日志位置 {path} 是一个文件夹，而不是文件。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="136" />
      <source>The access log {location} cannot be opened or written: {detail}</source>
      <translation>无法打开或写入访问日志 {location}：{detail}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="125" />
      <source>The access log {location} cannot be written with this database account ({detail}); events are kept until it can be.</source>
      <translation>当前数据库账户无法写入访问日志 {location}（{detail}）；事件已暂存，待可写时写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/buffered.py" line="108" />
      <source>The access log {location} cannot be written: {detail}</source>
      <translation>无法写入访问日志 {location}：{detail}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="170" />
      <source>The access log {location} is closed.</source>
      <translation>访问日志 {location} 已关闭。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="121" />
      <source>The access log {location} is locked by another session; events are kept and written when it is free.</source>
      <translation>访问日志 {location} 被另一个会话锁定；事件已暂存，解锁后写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="108" />
      <source>The access log {path} cannot be opened or written: {detail}</source>
      <translation>无法打开或写入访问日志 {path}：{detail}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="212" />
      <source>The access log {path} is closed.</source>
      <translation>访问日志 {path} 已关闭。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="92" />
      <source>The access log {path} is damaged and cannot be read or written ({detail}). Close QGIS, move the file (and {path}.checkpoint) aside and keep them for the auditor; QGIS then starts a new log in its place. Events are kept in memory until then.</source>
      <translation>访问日志 {path} 已损坏，无法读写（{detail}）。请关闭 QGIS，将该文件（以及 {path}.checkpoint）移到别处并留给审计人员；之后 QGIS 会在原位置新建日志。在此之前事件保存在内存中。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="97" />
      <source>The access log {path} is locked by another program; events are kept and written when it is free.</source>
      <translation>访问日志 {path} 被另一个程序锁定；事件已暂存，解锁后写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="101" />
      <source>The access log {path} is read-only; events are kept until it can be written. Ask your administrator for write access or choose another location in the options.</source>
      <translation>访问日志 {path} 为只读；事件已暂存，待可写时写入。请向管理员申请写权限，或在选项中选择其他位置。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="127" />
      <source>The administrator's policy cannot be enforced, so every classified export is blocked: {error}</source>
      <translation>无法执行管理员策略，因此所有涉密导出均被阻止：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="111" />
      <source>The administrator's policy cannot be used, so every classified export is blocked until it is fixed: {error}</source>
      <translation>管理员策略无法使用，在修复之前所有涉密数据的导出均被阻止：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="39" />
      <source>The administrator's policy cannot be used, so every classified export is blocked: {error}</source>
      <translation>管理员策略无法使用，因此所有涉密数据的导出均被阻止：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/server/plugin.py" line="37" />
      <source>The administrator's policy cannot be used, so only the lowest level is served: {error}</source>
      <translation>管理员策略无法使用，因此只提供最低密级的数据：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="159" />
      <source>The buffer distance cannot be negative</source>
      <translation>缓冲距离不能为负数</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="162" />
      <source>The check of {layer} failed: {error}</source>
      <translation>{layer} 的检查失败：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="331" />
      <source>The checkpoint {name} belongs to another log (id {other}, this log is {this}). If the old log was moved aside on purpose, move its checkpoint with it.</source>
      <translation>检查点 {name} 属于另一个日志（标识 {other}，本日志为 {this}）。如果旧日志是有意移走的，请将其检查点一并移走。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="245" />
      <source>The checkpoint {name} cannot be read ({detail}).</source>
      <translation>无法读取检查点 {name}（{detail}）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="222" />
      <source>The checkpoint {name} could not be updated: {detail}</source>
      <translation>无法更新检查点 {name}：{detail}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="338" />
      <source>The checkpoint {name} does not carry a valid administrator signature (HMAC): it was rewritten without the key.</source>
      <translation>检查点 {name} 没有有效的管理员签名（HMAC）：它在没有密钥的情况下被改写过。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="327" />
      <source>The checkpoint {name} is missing, so a cut-off end of the log cannot be ruled out. All {n} entries are chained correctly.</source>
      <translation>检查点 {name} 缺失，无法排除日志末尾被截断的可能。全部 {n} 条记录的哈希链正确。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/layouts.py" line="78" />
      <source>The classification marking could not be added to the layout: {error}</source>
      <translation>无法在布局中添加密级标识：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/map_export.py" line="113" />
      <source>The classification marking could not be added to the map export: it had already started. Try again.</source>
      <translation>无法为地图导出添加密级标志：导出已经开始。请重试。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/map_export.py" line="119" />
      <source>The classification marking could not be added to the map export: {error}</source>
      <translation>无法为地图导出添加密级标志：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="150" />
      <source>The conflicting features could not be written</source>
      <translation>无法写入冲突要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/metric.py" line="130" />
      <source>The coordinate reference system {crs} cannot be used for distances</source>
      <translation>坐标参考系 {crs} 无法用于计算距离</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="223" />
      <source>The copy of '{layer}' cannot be opened</source>
      <translation>无法打开“{layer}”的副本</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="132" />
      <source>The data is not classified</source>
      <translation>该数据未定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="129" />
      <source>The database server of the access log {location} is out of disk space; events are kept until there is space.</source>
      <translation>访问日志 {location} 的数据库服务器磁盘已满；事件已暂存，待有空间时写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="120" />
      <source>The destination folder '{folder}' does not exist</source>
      <translation>目标文件夹“{folder}”不存在</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="105" />
      <source>The disk holding the access log {path} is full; events are kept until there is space.</source>
      <translation>存放访问日志 {path} 的磁盘已满；事件已暂存，待有空间时写入。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/profile_export.py" line="69" />
      <source>The elevation profile image '{path}' was not found where QGIS writes it: it carries no classification marking or label.</source>
      <translation>在 QGIS 写出的位置未找到高程剖面图像“{path}”：它没有密级标志，也未标注密级。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/profile_export.py" line="127" />
      <source>The elevation profile image was removed: the classification marking could not be added to it ({error}).</source>
      <translation>已删除高程剖面图像：无法为其加上密级标志（{error}）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="122" />
      <source>The export policy allows exporting {level} data</source>
      <translation>导出策略允许导出{level}数据</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="157" />
      <source>The export policy asks for a justification here: {reason}</source>
      <translation>导出策略要求为此填写理由：{reason}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="150" />
      <source>The export policy asks for a written justification for this folder</source>
      <translation>导出策略要求为此文件夹填写书面理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="148" />
      <source>The export policy does not allow this folder: {reason}</source>
      <translation>导出策略不允许此文件夹：{reason}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="124" />
      <source>The export policy forbids exporting {level} data outside an approved destination</source>
      <translation>导出策略禁止将{level}数据导出到未经批准的位置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/policy.py" line="123" />
      <source>The export policy requires a written justification to export {level} data</source>
      <translation>导出策略要求导出{level}数据时提供书面理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/drone_data.py" line="131" />
      <source>The folder {folder} cannot be read</source>
      <translation>无法读取文件夹 {folder}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/drone_data.py" line="127" />
      <source>The folder {folder} does not exist</source>
      <translation>文件夹 {folder} 不存在</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/get_label.py" line="48" />
      <source>The input layer could not be loaded</source>
      <translation>无法加载输入图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="102" />
      <source>The input layers could not be loaded</source>
      <translation>无法加载输入图层</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="64" />
      <source>The key file cannot be read: {error}</source>
      <translation>无法读取密钥文件：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="56" />
      <source>The key file {path} is empty.</source>
      <translation>密钥文件 {path} 为空。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="179" />
      <source>The label will be stored {where}.</source>
      <translation>标签将保存{where}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/labels.py" line="201" />
      <source>The layer has no label to remove</source>
      <translation>该图层没有可移除的密级标签</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="421" />
      <source>The layers cover a large area: distances may be off by up to {percent} %</source>
      <translation>图层覆盖范围很大：距离误差可能高达 {percent} %</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="342" />
      <source>The log ends at entry {n} but the checkpoint recorded {count} entries: entries {first} to {count} were cut off.</source>
      <translation>日志止于第 {n} 条，但检查点记录了 {count} 条：第 {first} 至 {count} 条已被截去。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="326" />
      <source>The log is empty.</source>
      <translation>日志为空。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="350" />
      <source>The log is intact: {n} entries, signed with the administrator key.</source>
      <translation>日志完整：共 {n} 条记录，已用管理员密钥签名。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="352" />
      <source>The log is intact: {n} entries.</source>
      <translation>日志完整：共 {n} 条记录。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="132" />
      <source>The manifest is not a Classification Guard handover manifest (format {found})</source>
      <translation>该清单不是 Classification Guard 移交清单（格式 {found}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="282" />
      <source>The manifest is not the one package {package} was handed over with (its SHA-256 is {found}, the sender's log has {sent})</source>
      <translation>该清单不是移交包 {package} 移交时的清单（其 SHA-256 为 {found}，发送方日志记录为 {sent}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="129" />
      <source>The manifest is not valid JSON: {error}</source>
      <translation>清单不是有效的 JSON：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="151" />
      <source>The manifest lacks a field or has a wrong one: {error}</source>
      <translation>清单缺少字段或字段有误：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="155" />
      <source>The manifest names a file outside its package: {path}</source>
      <translation>清单列出了包外的文件：{path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="137" />
      <source>The manifest's file list is not a list of SHA-256 hashes</source>
      <translation>清单的文件列表不是 SHA-256 哈希列表</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="349" />
      <source>The only photo in {folder} has no GPS position.</source>
      <translation>{folder} 中唯一的照片没有 GPS 位置。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/drone_data.py" line="168" />
      <source>The photos in {folder} could not be imported: {error}</source>
      <translation>无法导入 {folder} 中的照片：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/server/access.py" line="157" />
      <source>The print layout '{layout}' shows layers above your clearance: {layers}</source>
      <translation>打印布局“{layout}”包含高于您密级权限的图层：{layers}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="640" />
      <source>The protected-area check was canceled</source>
      <translation>保护区检查已取消</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="473" />
      <source>The protected-area layer has no usable zone polygons</source>
      <translation>保护区图层中没有可用的区域多边形</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="167" />
      <source>The receipt could not be written: {error}</source>
      <translation>无法写出回执：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="323" />
      <source>The register could not be read: {error}</source>
      <translation>无法读取台账：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="235" />
      <source>The return-or-destroy date '{value}' is not a date like 2027-06-30</source>
      <translation>归还或销毁期限“{value}”不是形如 2027-06-30 的日期</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="239" />
      <source>The return-or-destroy date {value} is in the past</source>
      <translation>归还或销毁期限 {value} 已过</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="501" />
      <source>The survey layer has no features</source>
      <translation>测量图层中没有要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="223" />
      <source>The unit '{unit}' is not in the policy's list of units ({units})</source>
      <translation>单位“{unit}”不在策略的单位列表中（{units}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="57" />
      <source>The unit that receives the data</source>
      <translation>接收数据的单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="129" />
      <source>There is no access log at {path}.</source>
      <translation>{path} 处没有访问日志。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/postgres_log.py" line="153" />
      <source>There is no access log in the database {location}.</source>
      <translation>数据库 {location} 中没有访问日志。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/sqlite_log.py" line="122" />
      <source>This Python's SQLite {version} is too old for the access log (3.31 or newer is needed).</source>
      <translation>当前 Python 的 SQLite {version} 版本过旧，无法用于访问日志（需要 3.31 或更高版本）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="371" />
      <source>This copy is already closed ({state})</source>
      <translation>该副本已关闭（{state}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="366" />
      <source>This package was already handed over</source>
      <translation>该包已移交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="374" />
      <source>This package was already received</source>
      <translation>该包已接收</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="373" />
      <source>This table's label is kept in its database, where this version of QGIS cannot change it: change it from QGIS 3.28 or later.</source>
      <translation>此表的密级标签保存在其数据库中，当前版本的 QGIS 无法修改：请在 QGIS 3.28 或更高版本中修改。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="190" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="505" />
      <source>To</source>
      <translation>到</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="53" />
      <source>Translations</source>
      <translation>翻译</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="45" />
      <source>UTC time, ISO 8601</source>
      <translation>UTC 时间，ISO 8601 格式</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="376" />
      <source>UTC: {time} (entry {seq})</source>
      <translation>UTC：{time}（第 {seq} 条）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="35" />
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="276" />
      <source>Unknown classification scheme '{id}'</source>
      <translation>未知的密级方案“{id}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="380" />
      <source>Unknown custody event '{event}'</source>
      <translation>未知的保管事件“{event}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="61" />
      <source>Unknown state '{state}' (one of: {states})</source>
      <translation>未知状态“{state}”（可选：{states}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/drops.py" line="133" />
      <source>Use Save Features As, which asks for a justification.</source>
      <translation>请使用“要素另存为”，它会要求填写理由。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="190" />
      <source>User</source>
      <translation>用户</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="46" />
      <source>User login (exact)</source>
      <translation>用户登录名（精确）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="704" />
      <source>Verification did not finish.</source>
      <translation>校验未完成。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/chain.py" line="315" />
      <source>Verification was canceled.</source>
      <translation>校验已取消。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="557" />
      <source>Verify</source>
      <translation>校验</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/verify_audit_log.py" line="50" />
      <source>Verify access log</source>
      <translation>校验访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="33" />
      <source>Verify or export a Classification Guard access log.</source>
      <translation>校验或导出 Classification Guard 访问日志。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="692" />
      <source>Verifying the access log</source>
      <translation>正在校验访问日志</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="688" />
      <source>Verifying…</source>
      <translation>正在校验…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/buffered.py" line="172" />
      <source>Waiting events in {path} could not be read back: {detail}</source>
      <translation>无法读回 {path} 中等待写入的事件：{detail}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/close_copy.py" line="35" />
      <source>What happened</source>
      <translation>处置方式</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="59" />
      <source>What the data is for</source>
      <translation>数据的用途</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="45" />
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="137" />
      <source>Where</source>
      <translation>位置</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="113" />
      <source>Who</source>
      <translation>操作人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/handover_dialog.py" line="58" />
      <source>Who signs the receipt</source>
      <translation>签收人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/justification_dialog.py" line="23" />
      <source>Why must this data leave QGIS? The text is kept in the access log.</source>
      <translation>为什么必须将这些数据导出 QGIS？该说明将记入访问日志。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="99" />
      <source>Witness</source>
      <translation>监销人</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="580" />
      <source>Workstations</source>
      <translation>工作站</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="560" />
      <source>Write the entries shown (all pages) to a CSV file for auditors</source>
      <translation>将当前显示的记录（所有页）写入 CSV 文件供审计使用</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/handover.py" line="30" />
      <source>Writes a handover package of the LAYERS into a folder named after the package id inside DESTINATION: each layer as a new file carrying its label and the copy's custody, manifest.json with the SHA-256 of every file, and receipt.pdf (Chinese and English) for the recipient to sign. The export policy decides as for any export (approved folders, a JUSTIFICATION where the policy asks for one). The handover is recorded in the access log with the manifest's SHA-256. RETURN_BY is the return-or-destroy date (YYYY-MM-DD). With NO_ONWARD_TRANSFER the recipient may hand the data only back to this unit.</source>
      <translation>将 LAYERS 写成移交包，放在 DESTINATION 内以包编号命名的文件夹中：每个图层为一个带密级标签和副本保管信息的新文件，manifest.json 记录每个文件的 SHA-256，receipt.pdf（中英文）供接收方签字。导出策略照常裁定（批准的文件夹，策略要求时需填写 JUSTIFICATION）。移交连同清单的 SHA-256 记入访问日志。RETURN_BY 为归还或销毁期限（YYYY-MM-DD）。选择 NO_ONWARD_TRANSFER 时，接收方只能将数据交还本单位。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_audit_log.py" line="37" />
      <source>Writes the access-log entries that match every filter given (empty filters match all) to a UTF-8 CSV file, oldest first, with each entry's hash and signature so an auditor can check them. Times are UTC in the file; FROM and TO are inclusive.</source>
      <translation>将符合所有给定筛选条件（空条件匹配全部）的访问日志记录按时间先后写入 UTF-8 编码的 CSV 文件，并附上每条记录的哈希和签名，供审计人员核查。文件中的时间为 UTC；FROM 和 TO 包含边界。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="28" />
      <source>Writes the register derived from the access log: one row per dataset and copy, with its level, holder and state (handed_over, received, returned, destroyed, overdue, never_acknowledged). UNIT, LEVEL and STATE filter it (UNIT matches the sender's or the recipient's unit). With the central PostgreSQL log it covers every workstation of the unit.</source>
      <translation>写出由访问日志生成的台账：每个数据集的每个副本一行，含密级、持有方和状态（handed_over、received、returned、destroyed、overdue、never_acknowledged）。可按 UNIT、LEVEL 和 STATE 筛选（UNIT 匹配发送方或接收方单位）。使用中心 PostgreSQL 日志时覆盖本单位的所有工作站。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="114" />
      <source>Writing the handover package…</source>
      <translation>正在写入移交包…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="208" />
      <source>Written justification for lowering to {level}:</source>
      <translation>降为{level}的书面理由：</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="69" />
      <source>Your clearance: {level} ({why})</source>
      <translation>您的许可级别：{level}（{why}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="137" />
      <source>Zone</source>
      <translation>区域</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="85" />
      <source>Zone kind (when there is no kind field)</source>
      <translation>区域类型（无类型字段时）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="88" />
      <source>Zone kind field</source>
      <translation>区域类型字段</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="82" />
      <source>Zone name field</source>
      <translation>区域名称字段</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="138" />
      <source>Zone requires</source>
      <translation>区域要求</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="145" />
      <source>a written justification is needed</source>
      <translation>需要书面理由</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="35" />
      <source>airport</source>
      <translation>机场</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="98" />
      <source>allowed</source>
      <translation>已允许</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="99" />
      <source>allowed with justification</source>
      <translation>凭理由允许</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/server_rules.py" line="90" />
      <source>anonymous</source>
      <translation>匿名</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="81" />
      <source>basis, e.g. the secrecy catalogue item</source>
      <translation>定密依据，例如保密事项目录条目</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="97" />
      <source>blocked</source>
      <translation>已阻止</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="35" />
      <source>check the hash chain and the checkpoint</source>
      <translation>检查哈希链和检查点</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="38" />
      <source>checkpoint file, when not next to the SQLite file</source>
      <translation>检查点文件（不在 SQLite 文件旁边时）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="34" />
      <source>critical infrastructure</source>
      <translation>关键基础设施</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/processing.py" line="125" />
      <source>database connection '{name}'</source>
      <translation>数据库连接“{name}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="73" />
      <source>default: audit.sqlite in the QGIS profile; or a postgresql:// URI</source>
      <translation>默认：QGIS 配置文件夹中的 audit.sqlite；或 postgresql:// 地址</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="236" />
      <source>derived from the whole log (its snapshot was not used: {reason})</source>
      <translation>由完整日志推导（未使用快照：{reason}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="73" />
      <source>destroyed</source>
      <translation>已销毁</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="74" />
      <source>e.g. no subcontracting; this unit only</source>
      <translation>例如：不得分包；仅限本单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="101" />
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="37" />
      <source>file holding the administrator key</source>
      <translation>存放管理员密钥的文件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="44" />
      <source>flight tracks</source>
      <translation>飞行轨迹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="46" />
      <source>geotagged photos</source>
      <translation>带地理标记的照片</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="166" />
      <source>group {group}</source>
      <translation>用户组 {group}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="72" />
      <source>handed over</source>
      <translation>已移交</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="45" />
      <source>image footprints</source>
      <translation>影像覆盖范围</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="53" />
      <source>in a .qmd file beside the data</source>
      <translation>在数据旁的 .qmd 文件中</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="52" />
      <source>in the GeoPackage (gpkg_metadata)</source>
      <translation>在 GeoPackage 中（gpkg_metadata）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="54" />
      <source>in the database (QGIS's qgis_layer_metadata table)</source>
      <translation>在数据库中（QGIS 的 qgis_layer_metadata 表）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="55" />
      <source>in the project only</source>
      <translation>仅在项目中</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="53" />
      <source>inside</source>
      <translation>区内</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/role_hints.py" line="105" />
      <source>it is a GPS track file (GPX)</source>
      <translation>它是 GPS 轨迹文件（GPX）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/role_hints.py" line="107" />
      <source>it was made by 'Import geotagged photos'</source>
      <translation>它由“导入带地理标记的照片”生成</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/role_hints.py" line="111" />
      <source>its image metadata names the drone maker {maker}</source>
      <translation>其影像元数据中记录了无人机厂商 {maker}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/role_hints.py" line="115" />
      <source>its name contains '{word}'</source>
      <translation>其名称包含“{word}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="32" />
      <source>military zone</source>
      <translation>军事管理区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="194" />
      <source>must be a {kind}</source>
      <translation>必须是 {kind} 类型</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="191" />
      <source>must be one of {values}</source>
      <translation>必须是以下之一：{values}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="189" />
      <source>must be {value}</source>
      <translation>必须为 {value}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="196" />
      <source>must not be empty</source>
      <translation>不能为空</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="33" />
      <source>nature reserve</source>
      <translation>自然保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="73" />
      <source>never acknowledged</source>
      <translation>从未确认接收</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="153" />
      <source>no administrator policy</source>
      <translation>没有管理员策略</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="158" />
      <source>no clearance rule</source>
      <translation>没有涉密资格规则</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="78" />
      <source>no onward transfer</source>
      <translation>不得再转移</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="39" />
      <source>no progress output</source>
      <translation>不输出进度</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="270" />
      <source>no result</source>
      <translation>无结果</translation>
    </message>
    <message>
      <location filename="../classification_plugin/server/plugin.py" line="40" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classification_dock.py" line="85" />
      <source>not classified</source>
      <translation>未定密</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/deps.py" line="20" />
      <source>not installed</source>
      <translation>未安装</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/label_store.py" line="56" />
      <source>not labelled</source>
      <translation>未标注</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="383" />
      <source>not saved</source>
      <translation>未保存</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="126" />
      <source>not valid JSON: {message}</source>
      <translation>不是有效的 JSON：{message}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="96" />
      <source>ok</source>
      <translation>成功</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="276" />
      <source>opened from its snapshot, checked against the whole log</source>
      <translation>由快照打开，已对照完整日志核对</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="269" />
      <source>opened from its snapshot; checking it against the log failed: {error}</source>
      <translation>由快照打开；对照日志核对失败：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="233" />
      <source>opened from the snapshot at log entry {seq}; checking it against the whole log…</source>
      <translation>由日志第 {seq} 条处的快照打开；正在对照完整日志核对…</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="47" />
      <source>orthophoto / drone raster</source>
      <translation>正射影像 / 无人机栅格</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="73" />
      <source>overdue</source>
      <translation>已逾期</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="36" />
      <source>protected area</source>
      <translation>保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="72" />
      <source>received</source>
      <translation>已接收</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/custody.py" line="72" />
      <source>returned</source>
      <translation>已归还</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/options_page.py" line="100" />
      <source>set by your administrator ({path})</source>
      <translation>由管理员设定（{path}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/roles.py" line="43" />
      <source>survey points</source>
      <translation>测量点</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="155" />
      <source>the administrator policy cannot be used</source>
      <translation>管理员策略无法使用</translation>
    </message>
    <message>
      <location filename="../classification_plugin/plugin.py" line="122" />
      <source>the clearance check could not start on this QGIS ({reason})</source>
      <translation>许可级别检查无法在此 QGIS 上启动（{reason}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="114" />
      <source>the file cannot be read: {error}</source>
      <translation>无法读取文件：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="112" />
      <source>the file does not exist</source>
      <translation>文件不存在</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="122" />
      <source>the file is not UTF-8 text (byte {offset})</source>
      <translation>文件不是 UTF-8 文本（第 {offset} 字节）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/register_snapshot.py" line="102" />
      <source>the file is not a register snapshot of this version</source>
      <translation>该文件不是本版本的登记簿快照</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/custody.py" line="385" />
      <source>the log's entry {seq} is not the one the snapshot was taken at</source>
      <translation>日志第 {seq} 条已不是快照所依据的那一条</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="168" />
      <source>the policy's default</source>
      <translation>策略的默认值</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="251" />
      <source>the public key named in the global settings is not a 32-byte Ed25519 key</source>
      <translation>全局设置中指定的公钥不是 32 字节的 Ed25519 公钥</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/register_snapshot.py" line="147" />
      <source>the register snapshot cannot be read ({error})</source>
      <translation>无法读取登记簿快照（{error}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/register_snapshot.py" line="104" />
      <source>the register snapshot was not written with this log's key</source>
      <translation>登记簿快照不是用本日志的密钥写入的</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/register_snapshot.py" line="112" />
      <source>the register snapshot's content does not parse ({error})</source>
      <translation>登记簿快照的内容无法解析（{error}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/register_snapshot.py" line="106" />
      <source>the register snapshot's digest does not match its content</source>
      <translation>登记簿快照的摘要与其内容不符</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/register_snapshot.py" line="99" />
      <source>the register snapshot's header does not parse ({error})</source>
      <translation>登记簿快照的文件头无法解析（{error}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="279" />
      <source>the register's snapshot did not match the access log: the register shown is now the one derived from the log</source>
      <translation>登记簿快照与访问日志不符：现在显示的是由日志推导出的登记簿</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="259" />
      <source>the signature {file} does not match the file</source>
      <translation>签名 {file} 与文件不符</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="256" />
      <source>the signature {file} is missing or unreadable</source>
      <translation>签名 {file} 缺失或无法读取</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="123" />
      <source>the task did not finish</source>
      <translation>任务未完成</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="77" />
      <source>the unit that owns the data</source>
      <translation>数据所属单位</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="171" />
      <source>this workstation's cap</source>
      <translation>本工作站的上限</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="207" />
      <source>unknown key '{name}'</source>
      <translation>未知的键“{name}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="244" />
      <source>unknown level '{level}' in scheme '{scheme}'</source>
      <translation>密级方案“{scheme}”中没有密级“{level}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="225" />
      <source>unknown scheme '{scheme}' (known: {known})</source>
      <translation>未知的密级方案“{scheme}”（已知：{known}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/admin_policy.py" line="163" />
      <source>user {user}</source>
      <translation>用户 {user}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/deps.py" line="26" />
      <source>version {version} is installed</source>
      <translation>已安装的版本为 {version}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="100" />
      <source>warning</source>
      <translation>警告</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/conflicts_dock.py" line="53" />
      <source>within buffer</source>
      <translation>缓冲区内</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="40" />
      <source>write entries to a CSV file</source>
      <translation>将记录写入 CSV 文件</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/survey_watcher.py" line="112" />
      <source>zone {fid}</source>
      <translation>区域 {fid}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="152" />
      <source>{count} conflicting pairs</source>
      <translation>{count} 对冲突</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="171" />
      <source>{count} features</source>
      <translation>{count} 个要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="188" />
      <source>{count} features of {layer} are inside {kind} {zone}</source>
      <translation>{layer} 有 {count} 个要素位于{kind}“{zone}”内</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="191" />
      <source>{count} features of {layer} are within {distance} m of {kind} {zone}</source>
      <translation>{layer} 有 {count} 个要素位于{kind}“{zone}” {distance} 米范围内</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="384" />
      <source>{count} files could not be read as JPEG photos: {names}.</source>
      <translation>{count} 个文件无法作为 JPEG 照片读取：{names}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="618" />
      <source>{count} invalid survey geometries were repaired</source>
      <translation>已修复 {count} 个无效的测量几何</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="614" />
      <source>{count} invalid zone geometries were repaired</source>
      <translation>已修复 {count} 个无效的区域几何</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="360" />
      <source>{count} photos from {folder} imported as survey data.</source>
      <translation>已从 {folder} 导入 {count} 张照片，作为测量数据。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="380" />
      <source>{count} photos have no GPS position and were not imported: {names}.</source>
      <translation>{count} 张照片没有 GPS 位置，未导入：{names}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="172" />
      <source>{count} protected areas</source>
      <translation>{count} 个保护区</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/export_register.py" line="74" />
      <source>{count} register rows written</source>
      <translation>已写出 {count} 行台账</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="153" />
      <source>{count} survey features</source>
      <translation>{count} 个测量要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="620" />
      <source>{count} survey features without geometry were skipped</source>
      <translation>已跳过 {count} 个没有几何的测量要素</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/protected_check.py" line="616" />
      <source>{count} zones without a usable polygon were skipped</source>
      <translation>已跳过 {count} 个没有可用多边形的区域</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/buffered.py" line="182" />
      <source>{error} The events are also not saved to {path} ({detail}); they are kept in memory only.</source>
      <translation>{error} 这些事件也未能保存到 {path}（{detail}），目前仅保存在内存中。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/drone_data.py" line="129" />
      <source>{folder} is not a folder</source>
      <translation>{folder} 不是文件夹</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/fast_reader.py" line="96" />
      <source>{layer} has no coordinate reference system: set one in its Layer Properties (Source) so that it can be checked</source>
      <translation>{layer} 没有坐标参考系：请在其图层属性（源）中设置，才能进行检查</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/fast_reader.py" line="101" />
      <source>{layer} has no field {field}</source>
      <translation>{layer} 没有字段 {field}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/set_label.py" line="75" />
      <source>{layer} is now labelled {level}, stored {where}</source>
      <translation>{layer} 现已定为{level}，保存{where}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="117" />
      <source>{layer} looks like {kind}: {reason}.</source>
      <translation>{layer} 看起来是{kind}：{reason}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="145" />
      <source>{layer}: currently {level}</source>
      <translation>{layer}：当前为{level}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/indicators.py" line="18" />
      <source>{layer}: not classified. Right-click &gt; Classification to label it.</source>
      <translation>{layer}：未定密。右键 &gt; 密级 可为其定密。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/classify_dialog.py" line="226" />
      <source>{layer}: {error}</source>
      <translation>{layer}：{error}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/protected_ui.py" line="173" />
      <source>{layer}: {features} in or near {zones} ({seconds} s)</source>
      <translation>{layer}：{features}位于 {zones}内或附近（{seconds} 秒）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/custody_ui.py" line="159" />
      <source>{message}. Opened: {layers}</source>
      <translation>{message}。已打开：{layers}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="379" />
      <source>{name} on {host}</source>
      <translation>{name}，主机 {host}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="45" />
      <source>{n} days</source>
      <translation>{n} 天</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="671" />
      <source>{n} entries</source>
      <translation>{n} 条记录</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="763" />
      <source>{n} entries exported to {path}</source>
      <translation>已将 {n} 条记录导出到 {path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/audit/cli.py" line="93" />
      <source>{n} entries written to {path}</source>
      <translation>已将 {n} 条记录写入 {path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="47" />
      <source>{n} h</source>
      <translation>{n} 小时</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="48" />
      <source>{n} min</source>
      <translation>{n} 分钟</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="377" />
      <source>{n} rows exported to {path}</source>
      <translation>已将 {n} 行导出到 {path}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/workstations_view.py" line="161" />
      <source>{n} workstations, {m} need attention</source>
      <translation>{n} 个工作站，{m} 个需要关注</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/patches.py" line="18" />
      <source>{owner} has no {names} on this QGIS version</source>
      <translation>此 QGIS 版本的 {owner} 没有 {names}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/processing/check_protected_areas.py" line="154" />
      <source>{pairs}, {features} in or near protected areas</source>
      <translation>{pairs}，{features}位于保护区内或附近</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/parts.py" line="46" />
      <source>{part} is off on this QGIS version ({reason}). The rest of Classification Guard works; the QGIS log (Classification Guard tab) has the details.</source>
      <translation>{part}在此 QGIS 版本上已停用（{reason}）。Classification Guard 的其余部分仍正常工作；详情见 QGIS 日志（Classification Guard 标签页）。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/register_dock.py" line="326" />
      <source>{rows} rows shown; {copies} copies of {datasets} datasets in the log</source>
      <translation>显示 {rows} 行；日志中共有 {datasets} 个数据集的 {copies} 份副本</translation>
    </message>
    <message>
      <location filename="../classification_plugin/gui/access_log_dock.py" line="381" />
      <source>{source} ({provider})
Project: {project}</source>
      <translation>{source}（{provider}）
项目：{project}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="107" />
      <source>{what} refused: layer '{layer}' is classified {level} and no justification was given.</source>
      <translation>已拒绝{what}：图层“{layer}”的密级为{level}，且未提供理由。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="80" />
      <source>{what} refused: layer '{layer}' is classified {level}. {reason}.</source>
      <translation>已拒绝{what}：图层“{layer}”的密级为{level}。{reason}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/integration/export_guard/gate.py" line="84" />
      <source>{what}: layer '{layer}' is classified {level}. {reason}.</source>
      <translation>{what}：图层“{layer}”的密级为{level}。{reason}。</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="195" />
      <source>{where}: a scheme must be a JSON object</source>
      <translation>{where}：密级方案必须是一个 JSON 对象</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="227" />
      <source>{where}: cannot be read ({error})</source>
      <translation>{where}：无法读取（{error}）</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="168" />
      <source>{where}: colour '{field}' is '{value}'; write it as #RRGGBB</source>
      <translation>{where}：颜色“{field}”为“{value}”；请写成 #RRGGBB 形式</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="155" />
      <source>{where}: each level must be an object</source>
      <translation>{where}：每个等级必须是一个对象</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="161" />
      <source>{where}: field 'acronym' must have 1 to 6 characters</source>
      <translation>{where}：字段“acronym”必须为 1 到 6 个字符</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="215" />
      <source>{where}: field 'default_level' is '{value}', which is not a level of this scheme</source>
      <translation>{where}：字段“default_level”为“{value}”，它不是本方案中的等级</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="146" />
      <source>{where}: field 'id' is '{value}'; use lower-case letters, digits and '_'</source>
      <translation>{where}：字段“id”为“{value}”；请只使用小写字母、数字和“_”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="175" />
      <source>{where}: field 'iso_code' is '{value}'; expected one of {codes}</source>
      <translation>{where}：字段“iso_code”为“{value}”；应为以下之一：{codes}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="200" />
      <source>{where}: field 'levels' is empty</source>
      <translation>{where}：字段“levels”为空</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="109" />
      <source>{where}: field '{field}' is missing</source>
      <translation>{where}：缺少字段“{field}”</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="113" />
      <source>{where}: field '{field}' must be {kind}, not {actual}</source>
      <translation>{where}：字段“{field}”必须是 {kind}，而不是 {actual}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="130" />
      <source>{where}: field '{field}' needs an English ('en') text</source>
      <translation>{where}：字段“{field}”需要英文（“en”）文本</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="135" />
      <source>{where}: field '{field}.{lang}' must be a non-empty text</source>
      <translation>{where}：字段“{field}.{lang}”必须是非空文本</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="233" />
      <source>{where}: invalid JSON at line {line}, column {column}: {message}</source>
      <translation>{where}：第 {line} 行第 {column} 列 JSON 无效：{message}</translation>
    </message>
    <message>
      <location filename="../classification_plugin/core/schemes.py" line="208" />
      <source>{where}: level ids must be unique; repeated: {ids}</source>
      <translation>{where}：等级标识必须唯一；重复的有：{ids}</translation>
    </message>
  </context>
</TS>
