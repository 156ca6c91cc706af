import type { Entry } from '../entry.js';

export const snapStrings: Record<string, Entry> = {
  'snap.title': { en: 'Snap a plant', zh: '拍照识别植物' },
  'snap.subtitle': { en: 'Field check for opium poppy', zh: '罂粟现场核查' },
  'snap.wrongRole': {
    en: 'This page is for field officers. You are signed in as {role}.',
    zh: '此页面供外勤警员使用。您当前的角色是{role}。',
  },

  // taking the photo
  'snap.photo.take': { en: 'Take a photo', zh: '拍照' },
  'snap.photo.retake': { en: 'Take another photo', zh: '重新拍照' },
  'snap.photo.hint': {
    en: 'Fill the frame with one flower, seed capsule or leaf, in good light.',
    zh: '请让一朵花、蒴果或叶片占满画面，光线充足。',
  },
  'snap.photo.preview': { en: 'Photo to send', zh: '待发送的照片' },
  'snap.photo.sizeMb': { en: '{mb} MB', zh: '{mb} MB' },
  'snap.photo.sizeKb': { en: '{kb} KB', zh: '{kb} KB' },
  'snap.note.label': { en: 'Note (optional)', zh: '备注（可选）' },
  'snap.note.placeholder': { en: 'e.g. about 30 plants behind the shed', zh: '例如：棚子后面约三十株' },
  'snap.send': { en: 'Send for a verdict', zh: '发送并识别' },
  'snap.sending': { en: 'Checking the photo…', zh: '正在识别照片…' },

  // location
  'snap.location.title': { en: 'Location', zh: '位置' },
  'snap.location.exifFirst': {
    en: "If the photo has its own GPS position, the server uses that one exactly.",
    zh: '如果照片自带GPS位置，服务器将原样采用该位置。',
  },
  'snap.location.locating': { en: 'Finding your position…', zh: '正在获取您的位置…' },
  'snap.location.device': { en: 'Phone position: {lat}, {lon} (±{acc} m)', zh: '手机定位：{lat}，{lon}（±{acc} 米）' },
  'snap.location.unavailable': {
    en: 'The phone cannot give a position ({reason}). Move the map so the crosshair is on the plant.',
    zh: '手机无法定位（{reason}）。请拖动地图，使十字准星对准植物。',
  },
  'snap.location.reason.denied': { en: 'permission denied', zh: '权限被拒绝' },
  'snap.location.reason.unavailable': { en: 'no signal', zh: '无信号' },
  'snap.location.reason.timeout': { en: 'timed out', zh: '超时' },
  'snap.location.reason.unsupported': { en: 'not supported', zh: '不支持' },
  'snap.location.useMap': { en: 'Set on the map instead', zh: '改为在地图上选择' },
  'snap.location.useDevice': { en: 'Use the phone position', zh: '使用手机定位' },
  'snap.location.pin': { en: 'Map pin: {lat}, {lon}', zh: '地图标记：{lat}，{lon}' },
  'snap.location.findingArea': { en: 'Opening the map over the latest flight…', zh: '正在打开最近航拍任务所在区域的地图…' },
  'snap.location.pinHelp': {
    en: 'Drag the map so the crosshair sits on the plant, or type the coordinates.',
    zh: '拖动地图使十字准星对准植物，或直接输入坐标。',
  },
  'snap.location.lat': { en: 'Latitude', zh: '纬度' },
  'snap.location.lon': { en: 'Longitude', zh: '经度' },
  'snap.location.none': {
    en: 'No position yet: only the photo’s own GPS can place this snap.',
    zh: '尚无位置：只能依靠照片自带的GPS定位。',
  },
  'snap.location.needed': {
    en: 'This photo has no GPS position of its own. Set the place on the map, then send again.',
    zh: '这张照片没有自带GPS位置。请在地图上设定位置后重新发送。',
  },
  'snap.map.basemapUnavailable': {
    en: 'Basemap unavailable: plain background, coordinates still exact.',
    zh: '底图不可用：显示空白背景，坐标仍然准确。',
  },
  'snap.map.label': { en: 'Map for placing the pin', zh: '用于放置标记的地图' },

  // the answer
  'snap.verdict.poppy': { en: 'POPPY — treat as possible opium poppy', zh: '疑似罂粟 — 按罂粟处理' },
  'snap.verdict.uncertain': { en: 'UNCERTAIN — needs an expert', zh: '无法确定 — 需要专家判断' },
  'snap.verdict.not_poppy': { en: 'NOT POPPY', zh: '不是罂粟' },
  'snap.confidence': { en: 'Poppy score {pct}%', zh: '罂粟评分 {pct}%' },
  'snap.confidence.scale': {
    en: 'Poppy from {poppy}%, uncertain from {low}%.',
    zh: '≥{poppy}% 判为罂粟，≥{low}% 判为无法确定。',
  },
  'snap.lookalikes.title': { en: 'Closest matches', zh: '最相似的植物' },
  'snap.lookalikes.countsAsPoppy': { en: 'counts as poppy', zh: '计入罂粟' },
  'snap.next.title': { en: 'What to do now', zh: '下一步' },
  'snap.advice.do_not_touch': {
    en: 'Do not touch, pick or destroy the plants: they are evidence.',
    zh: '不要触碰、采摘或毁坏植株：它们是证据。',
  },
  'snap.advice.mark_and_photograph_area': {
    en: 'Mark the spot and photograph the whole patch from a few steps back.',
    zh: '标记地点，并退后几步拍摄整片区域。',
  },
  'snap.advice.call_in': {
    en: 'Call it in to your duty officer now. The sighting is already on the review map.',
    zh: '立即向值班负责人报告。该发现已进入审核地图。',
  },
  'snap.advice.retake_closer': {
    en: 'Take another photo closer, filling the frame with one flower.',
    zh: '靠近再拍一张，让一朵花占满画面。',
  },
  'snap.advice.photograph_capsule_and_leaf': {
    en: 'Photograph the seed capsule and a leaf too: opium poppy has a large smooth capsule and grey-green leaves that clasp the stem.',
    zh: '同时拍摄蒴果和叶片：罂粟蒴果大而光滑，叶片灰绿色、抱茎。',
  },
  'snap.advice.sent_for_expert_review': {
    en: 'The sighting has been sent for expert review; keep away from the plants meanwhile.',
    zh: '该发现已提交专家审核；在此期间请勿触碰植株。',
  },
  'snap.advice.carry_on_logged': {
    en: 'Carry on. The snap is still logged with its place, in case a reviewer sees it differently.',
    zh: '可以继续工作。该照片及位置仍已记录，以备审核员复核。',
  },
  'snap.uncertain.title': { en: 'What “uncertain” means', zh: '“无法确定”是什么意思' },
  'snap.uncertain.body': {
    en: 'The model sees something of poppy in the photo but not enough to say so: the poppy score is between the two thresholds, or the single best match is another plant. It cannot tell opium poppy reliably from corn poppy (虞美人) or ornamental garden poppies: they look very alike, especially when not in flower. It was trained on very few real opium poppy photos, so a person must decide.',
    zh: '模型在照片中看到了一些罂粟特征，但不足以下结论：罂粟评分介于两个阈值之间，或最相似的是其他植物。模型无法可靠地区分罂粟与虞美人（corn poppy）或观赏罂粟：它们外观非常相似，不开花时尤甚。模型训练时使用的真实罂粟照片很少，因此必须由人来判断。',
  },
  'snap.limits.title': { en: 'What the model cannot tell', zh: '模型的局限' },
  'snap.limits.body': {
    en: 'Corn poppy (虞美人) and ornamental poppies look like opium poppy, and the model was trained on very few real opium poppy photos. A “poppy” verdict is a reason to call in, not proof; a “not poppy” verdict can be wrong too.',
    zh: '虞美人和观赏罂粟与罂粟外观相似，且模型训练时使用的真实罂粟照片很少。“罂粟”结论是上报的理由而非证据；“不是罂粟”的结论也可能有误。',
  },
  'snap.answer.location.exif': { en: 'Place from the photo’s GPS: {lat}, {lon}', zh: '位置来自照片GPS：{lat}，{lon}' },
  'snap.answer.location.device': { en: 'Place from the phone: {lat}, {lon}', zh: '位置来自手机定位：{lat}，{lon}' },
  'snap.answer.location.manual': { en: 'Place from the map pin: {lat}, {lon}', zh: '位置来自地图标记：{lat}，{lon}' },
  'snap.answer.accuracy': { en: '±{m} m', zh: '±{m} 米' },
  'snap.answer.site': { en: 'Logged as site #{id} for review.', zh: '已登记为待审核地点 #{id}。' },
  'snap.answer.model': { en: 'Model {name} {version}', zh: '模型 {name} {version}' },
  'snap.answer.new': { en: 'Snap another plant', zh: '拍下一株植物' },
  'snap.answer.yourNote': { en: 'Your note: {note}', zh: '您的备注：{note}' },

  // offline queue
  'snap.queue.pending': { en: '{n} snap(s) waiting to send', zh: '{n} 张照片等待发送' },
  'snap.queue.none': { en: 'All snaps sent', zh: '所有照片均已发送' },
  'snap.queue.savedOffline': {
    en: 'No network: the snap is kept on this phone and will be sent by itself when the network returns.',
    zh: '无网络：照片已保存在本机，网络恢复后会自动发送。',
  },
  'snap.queue.sentLater': {
    en: 'A snap that waited for the network has now been sent.',
    zh: '一张等待网络的照片现已发送。',
  },
  'snap.offlineStart': {
    en: 'No connection to the server: working offline as {name}. Snaps are kept on this phone and sent when the server can be reached.',
    zh: '无法连接服务器：以 {name} 身份离线工作。照片会保存在本机，待能连接服务器时发送。',
  },
  'snap.queue.sendNow': { en: 'Send now', zh: '立即发送' },
  'snap.queue.failed': { en: 'Not accepted: {message}', zh: '未被接受：{message}' },
  'snap.queue.discard': { en: 'Discard', zh: '放弃' },
  'snap.queue.needsLogin': { en: 'Sign in again to send the waiting snaps.', zh: '请重新登录以发送等待中的照片。' },
  'snap.queue.offline': { en: 'Offline', zh: '离线' },
  'snap.queue.online': { en: 'Online', zh: '在线' },
  'snap.recent.title': { en: 'Recent snaps', zh: '最近的照片' },
  'snap.recent.view': { en: 'View', zh: '查看' },

  // errors
  'snap.error.photoMissing': { en: 'Take a photo first.', zh: '请先拍照。' },
  'snap.error.heic': {
    en: 'This is a HEIC/HEIF photo, which the server cannot read. Send it as JPEG: on an iPhone choose Settings → Camera → Formats → “Most Compatible” and take it again, or share the photo as JPEG (share sheet → Options → Most Compatible).',
    zh: '这是HEIC/HEIF格式的照片，服务器无法读取。请以JPEG格式发送：在iPhone上选择“设置 → 相机 → 格式 → 兼容性最佳”后重新拍摄，或以JPEG格式共享照片（共享菜单 → 选项 → 兼容性最佳）。',
  },
  'snap.error.unsupported': {
    en: 'This file is not a JPEG, PNG or WebP photo. Take the photo with the camera button.',
    zh: '该文件不是JPEG、PNG或WebP格式的照片。请使用拍照按钮拍摄。',
  },
  'snap.error.unreadable': {
    en: 'The photo could not be read (it may be damaged or incomplete). Take it again.',
    zh: '无法读取照片（可能已损坏或不完整）。请重新拍摄。',
  },
  'snap.error.tooLarge': { en: 'The photo is too large: {message}', zh: '照片过大：{message}' },
  'snap.error.server': { en: 'The server refused the snap: {message}', zh: '服务器拒绝了该照片：{message}' },
};
