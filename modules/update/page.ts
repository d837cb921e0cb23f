// The update page of the status server (GET /update): pick an image, upload it with a progress bar.
// Self-contained (no CDN); ASCII only. The SHA-256 is computed in the page: browsers offer
// crypto.subtle only on HTTPS or localhost, and the device serves plain HTTP on the home network.
export const UPDATE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>p1vscp firmware update</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:34em;padding:1em;color:#222}
h1{font-size:1.3em}dl{display:grid;grid-template-columns:auto 1fr;gap:.3em 1em}dt{color:#666}dd{margin:0}
progress{width:100%;height:1.4em}button{font-size:1em;padding:.4em 1em}
.error{color:#b00020}.ok{color:#1b6e20}#msg{min-height:1.5em}
</style></head><body>
<h1>Firmware update</h1>
<dl><dt>Running</dt><dd id="running">?</dd><dt>Chip</dt><dd id="chip">?</dd><dt>Last update</dt><dd id="outcome">none</dd>
<dt>Ready</dt><dd id="ready">?</dd></dl>
<p>A new image runs on probation: it is kept once it has read a good telegram and delivered events to the broker,
otherwise the device goes back to the image running now. Settings are kept.</p>
<p><label for="file">Image (.bin)</label> <input type="file" id="file" accept=".bin,application/octet-stream"></p>
<p><button id="send" disabled>Upload</button> <a href="/">Status</a></p>
<progress id="bar" max="1" value="0"></progress>
<p id="msg" role="status"></p>
<script>
"use strict";
var $=function(id){return document.getElementById(id)};
var K=[],H0=[];
(function(){var n=2,c=0;function f(x){return (x-Math.floor(x))*4294967296|0}
while(c<64){var p=true;for(var d=2;d*d<=n;d++)if(n%d===0){p=false;break}
if(p){if(c<8)H0[c]=f(Math.pow(n,1/2));K[c]=f(Math.pow(n,1/3));c++}n++}})();
function sha256(bytes){
var h=H0.slice(),w=new Int32Array(64),len=bytes.length,blocks=((len+9+63)>>6),i,j;
var tail=new Uint8Array(128),tl=len&63,tb=len-tl;tail.set(bytes.subarray(tb));tail[tl]=0x80;
var tlen=(tl+9>64)?128:64,bits=len*8;
tail[tlen-1]=bits&255;tail[tlen-2]=(bits>>>8)&255;tail[tlen-3]=(bits>>>16)&255;tail[tlen-4]=(bits>>>24)&255;
var hi=Math.floor(len/536870912);tail[tlen-5]=hi&255;tail[tlen-6]=(hi>>>8)&255;
for(var b=0;b<blocks;b++){
var src,off;if(b*64<tb){src=bytes;off=b*64}else{src=tail;off=b*64-tb}
for(i=0;i<16;i++){j=off+i*4;w[i]=(src[j]<<24)|(src[j+1]<<16)|(src[j+2]<<8)|src[j+3]}
for(i=16;i<64;i++){var x=w[i-15],y=w[i-2];
var s0=((x>>>7)|(x<<25))^((x>>>18)|(x<<14))^(x>>>3),s1=((y>>>17)|(y<<15))^((y>>>19)|(y<<13))^(y>>>10);
w[i]=(w[i-16]+s0+w[i-7]+s1)|0}
var a=h[0],bb=h[1],c=h[2],d=h[3],e=h[4],f=h[5],g=h[6],k=h[7];
for(i=0;i<64;i++){
var S1=((e>>>6)|(e<<26))^((e>>>11)|(e<<21))^((e>>>25)|(e<<7)),ch=(e&f)^(~e&g),t1=(k+S1+ch+K[i]+w[i])|0;
var S0=((a>>>2)|(a<<30))^((a>>>13)|(a<<19))^((a>>>22)|(a<<10)),mj=(a&bb)^(a&c)^(bb&c),t2=(S0+mj)|0;
k=g;g=f;f=e;e=(d+t1)|0;d=c;c=bb;bb=a;a=(t1+t2)|0}
h[0]=(h[0]+a)|0;h[1]=(h[1]+bb)|0;h[2]=(h[2]+c)|0;h[3]=(h[3]+d)|0;h[4]=(h[4]+e)|0;h[5]=(h[5]+f)|0;h[6]=(h[6]+g)|0;h[7]=(h[7]+k)|0}
var out="";for(i=0;i<8;i++)out+=(h[i]>>>0).toString(16).padStart(8,"0");return out}
function say(text,cls){var m=$("msg");m.textContent=text;m.className=cls||""}
function refresh(){fetch("/api/update",{cache:"no-store"}).then(function(r){return r.json()}).then(function(s){
$("running").textContent=s.running;$("chip").textContent=s.chip;$("outcome").textContent=s.outcome||"none";
$("ready").textContent=s.ready||"yes";}).catch(function(){})}
var image=null;
$("file").addEventListener("change",function(){var f=this.files[0];image=null;$("send").disabled=true;if(!f)return;
say("Reading "+f.name+" ...");f.arrayBuffer().then(function(buf){image={file:f,sha:sha256(new Uint8Array(buf))};
$("send").disabled=false;say(f.name+": "+f.size+" bytes, SHA-256 "+image.sha)})});
$("send").addEventListener("click",function(){if(!image)return;$("send").disabled=true;$("bar").value=0;
var x=new XMLHttpRequest();x.open("POST","/api/update");x.setRequestHeader("X-P1vscp","1");
x.setRequestHeader("X-Image-SHA256",image.sha);x.setRequestHeader("Content-Type","application/octet-stream");
x.upload.onprogress=function(e){if(e.lengthComputable){$("bar").value=e.loaded/e.total;say("Uploading: "+Math.round(100*e.loaded/e.total)+" %")}};
x.onload=function(){var r={};try{r=JSON.parse(x.responseText)}catch(e){}
if(x.status===200&&r.ok){$("bar").value=1;say(r.message,"ok");setTimeout(refresh,15000)}
else{say(r.error||("HTTP "+x.status),"error");$("send").disabled=false;refresh()}};
x.onerror=function(){say("The upload was interrupted; the running image stays.","error");$("send").disabled=false};
x.send(image.file)});
refresh();
</script></body></html>`;
